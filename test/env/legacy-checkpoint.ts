/** `_scsc_checkpoint` as versions before its source_server column made it, in `database`. */
export function legacyCheckpointTableSql(database: string): string {
  return `CREATE TABLE ${database}._scsc_checkpoint (stream VARCHAR(191) NOT NULL, lane VARCHAR(191) NOT NULL,
    applied_key VARCHAR(64) NOT NULL, file VARCHAR(255) NULL, file_offset BIGINT UNSIGNED NULL, change_index INT UNSIGNED NULL,
    gtid VARCHAR(255) NULL, resume_file VARCHAR(255) NOT NULL, resume_offset BIGINT UNSIGNED NOT NULL, resume_key VARCHAR(64) NOT NULL,
    resume_gtid VARCHAR(255) NULL, source_commit_time DATETIME(3) NULL, applied_at DATETIME(3) NOT NULL,
    rows_applied BIGINT UNSIGNED NOT NULL DEFAULT 0, PRIMARY KEY (stream, lane)) ENGINE=InnoDB`;
}
