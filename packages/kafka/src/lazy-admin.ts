import type { Admin, Kafka } from 'kafkajs';

/**
 * One admin client, connected on first use and shared by whoever needs it (a catch-up barrier, a
 * lag gauge, group deletion): concurrent first calls share one connection attempt, and a failed
 * attempt is retried by the next call.
 */
export class LazyAdmin {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  get(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(
        () => admin,
        (e: unknown) => {
          this.admin = undefined;
          throw e;
        },
      );
    }
    return this.admin;
  }

  /** Disconnects the client if one was made (errors ignored: this is cleanup). */
  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
