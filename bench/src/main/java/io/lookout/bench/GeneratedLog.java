package io.lookout.bench;

/**
 * One generated log record.
 *
 * @param index position in the corpus stream
 * @param timestampNanos event time, Unix nanoseconds
 * @param severityNumber OTLP severity number, 0 when the source line names none
 * @param severityText INFO, WARN, ERROR... or empty
 * @param body the log line without its original timestamp, variables freshly randomised
 * @param service the source system (file name before the first underscore)
 * @param hostName from a pool of {@link LogCorpus#HOSTS} names
 * @param requestId a random UUID-shaped id
 * @param traceId 32 lowercase hex characters, or empty
 * @param spanId 16 lowercase hex characters, or empty
 * @param needle whether the body carries the corpus's needle token
 */
public record GeneratedLog(
    long index,
    long timestampNanos,
    int severityNumber,
    String severityText,
    String body,
    String service,
    String hostName,
    String requestId,
    String traceId,
    String spanId,
    boolean needle) {}
