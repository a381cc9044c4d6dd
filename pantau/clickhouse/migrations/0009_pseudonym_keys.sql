-- Which pseudonym key the stored data was pseudonymized with (issue #16). A lost key file used to be
-- replaced silently by a new random key: the same citizen got a new reporter_ref and the complaint
-- history split. The pipeline records the fingerprint of its key (pantau.secrets.key_fingerprint, an
-- HMAC of a fixed text: it does not reveal the key) and refuses to start with another one, unless a
-- rotation is asked for (PANTAU_PSEUDONYM_KEY_ROTATION=1), which is recorded here too.
CREATE TABLE IF NOT EXISTS {database}.pseudonym_keys
(
    fingerprint String,
    recorded_at DateTime64(3, 'UTC'),
    rotation UInt8
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY fingerprint;
