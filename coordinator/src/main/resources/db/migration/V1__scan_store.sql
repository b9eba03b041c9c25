-- facesweep scan store, schema 1. Runs unchanged on SQLite and PostgreSQL:
--  * times are epoch milliseconds in BIGINT columns (SQLite has no timestamp type);
--  * ids are text made by the coordinator (no vendor-specific identity columns);
--  * binary columns are declared BYTEA: PostgreSQL's binary type, and in SQLite a type name with NUMERIC
--    affinity, which stores BLOB values unchanged.

CREATE TABLE scan (
    id          VARCHAR(40)  NOT NULL PRIMARY KEY,
    root        TEXT         NOT NULL,
    model_id    VARCHAR(200) NOT NULL,
    prompt_hash VARCHAR(128) NOT NULL,
    prompt_set  TEXT         NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    finished_at BIGINT
);

CREATE INDEX scan_root_created ON scan (root, created_at);
CREATE INDEX scan_created ON scan (created_at);

-- One row per image path of a scan. sha256 is null only for images that could not be read while staging.
-- state: staged | dispatched | scored | reused | failed
CREATE TABLE scan_image (
    scan_id     VARCHAR(40)  NOT NULL REFERENCES scan (id) ON DELETE CASCADE,
    rel_path    TEXT         NOT NULL,
    seq         BIGINT       NOT NULL,
    faceset     TEXT         NOT NULL,
    sha256      VARCHAR(64),
    size        BIGINT       NOT NULL,
    modified_at BIGINT       NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    error       TEXT,
    batch_id    VARCHAR(40),
    worker_id   VARCHAR(200),
    PRIMARY KEY (scan_id, rel_path)
);

CREATE INDEX scan_image_state_seq ON scan_image (scan_id, state, seq);
CREATE INDEX scan_image_sha ON scan_image (scan_id, sha256);
CREATE INDEX scan_image_batch ON scan_image (batch_id);

-- state: pending (claimed, not yet published) | in_flight | done | parked
CREATE TABLE batch (
    id            VARCHAR(40)  NOT NULL PRIMARY KEY,
    scan_id       VARCHAR(40)  NOT NULL REFERENCES scan (id) ON DELETE CASCADE,
    state         VARCHAR(16)  NOT NULL,
    attempts      INTEGER      NOT NULL,
    image_count   INTEGER      NOT NULL,
    worker_id     VARCHAR(200),
    created_at    BIGINT       NOT NULL,
    dispatched_at BIGINT,
    completed_at  BIGINT,
    error         TEXT
);

CREATE INDEX batch_scan_state ON batch (scan_id, state);

-- Scores of one image content under one model and prompt set; shared by every scan (re-scans reuse them).
CREATE TABLE result (
    sha256      VARCHAR(64)  NOT NULL,
    model_id    VARCHAR(200) NOT NULL,
    prompt_hash VARCHAR(128) NOT NULL,
    scores      TEXT         NOT NULL,
    worker_id   VARCHAR(200),
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (sha256, model_id, prompt_hash)
);

-- Image embedding (little-endian float32) per image content and model: new prompts rescore without the image
-- model.
CREATE TABLE embedding (
    sha256     VARCHAR(64)  NOT NULL,
    model_id   VARCHAR(200) NOT NULL,
    dim        INTEGER      NOT NULL,
    vector     BYTEA        NOT NULL,
    worker_id  VARCHAR(200),
    created_at BIGINT       NOT NULL,
    PRIMARY KEY (sha256, model_id)
);
