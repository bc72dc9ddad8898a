/**
 * log4j2 configuration for the broker: a size-rolled file (the broker may run for days next to a
 * developer's work) with the per-request logger kept at WARN. The file path comes from the system
 * property `kanary.log.file` so this text needs no escaping. log4j's own shutdown hook is off so
 * that the broker's shutdown, which runs in a shutdown hook of Kafka's, is logged to its end.
 */
export const KAFKA_LOG4J2_PROPERTIES = `status = warn
name = kanary-kafka
shutdownHook = disable
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = \${sys:kanary.log.file}
appender.file.filePattern = \${sys:kanary.log.file}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 5
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
`;
