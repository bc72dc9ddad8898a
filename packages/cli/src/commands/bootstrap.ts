import { ensureTopics } from '@kanary/kafka';
import type { CliContext } from '../context.js';
import type { Output } from '../output.js';

/** `kanary topics init`: creates missing topics, reports mismatching ones. Exit 1 on mismatch. */
export async function topicsInit(ctx: CliContext, out: Output): Promise<number> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const report = await ensureTopics(admin, ctx.catalog);
    for (const t of report.created) out.line(`created  ${t}`);
    for (const t of report.existing) out.line(`exists   ${t}`);
    for (const m of report.mismatches) out.error(`mismatch ${m.topic}: ${m.problem}`);
    out.line(
      `${report.created.length} created, ${report.existing.length} already present, ${report.mismatches.length} mismatched`,
    );
    return report.mismatches.length > 0 ? 1 : 0;
  } finally {
    await admin.disconnect();
  }
}

/** `kanary schemas register`: registers every event schema under `<topic>-value` (BACKWARD). */
export async function schemasRegister(ctx: CliContext, out: Output): Promise<number> {
  for (const topic of Object.values(ctx.catalog)) {
    if (topic.event === null) continue;
    const id = await ctx.codec.register(topic);
    out.line(`registered ${topic.name}-value (${topic.event}) as schema id ${id}`);
  }
  return 0;
}
