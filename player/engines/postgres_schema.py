"""The PostgreSQL archive's schema: its forward migrations, as SQL text (no driver here).

``MIGRATIONS[n]`` takes a database from schema version ``n`` to ``n + 1``; the version is kept
in the one-row table ``bp_schema`` and ``postgres_store.PgSession.init_schema`` runs the steps
still missing, in one transaction, under an advisory lock (one migration at a time across
machines). The steps:

1. briefings and cues, the ``bp_words``/``bp_term`` functions (case and accents folded, tokens
   are runs of letters and digits), a generated ``tsvector`` and its GIN index;
2. an index for listing one library root;
3. per-user data (opt-in): resume positions and bookmarks (with their notes) by library root
   name + relative path and by the login role that owns them (``owner``, defaulting to
   ``current_user``). Row-level security (forced, so the tables' owner is held to it too) lets a
   role see and change only its own rows; every query also names ``owner = current_user``, so a
   superuser, whom row-level security does not bind, sees only their own rows as well.
   Every role that may connect may use the two tables (``GRANT ... TO PUBLIC``): the policies
   keep each one to its rows; and read the schema's version (to open the archive).
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_LOCK", "UNACCENT_MISSING", "USER_DATA_VERSION"]

SCHEMA_LOCK = 0x42504C53  # "BPLS": one migration at a time across machines

UNACCENT_MISSING = (
    "the PostgreSQL server has no 'unaccent' extension, which the archive needs to match "
    "words with or without accents. On Debian it comes with the server package "
    "(postgresql-15; older releases: postgresql-contrib); a database owner can then run "
    "'briefing-player archive init --db ...' again, or an administrator "
    "'CREATE EXTENSION unaccent;' in the database"
)

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the initial schema.
    """
    CREATE FUNCTION bp_words(t text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        SET search_path = public, pg_catalog
        AS $$ SELECT btrim(regexp_replace(lower(unaccent('unaccent'::regdictionary, t)),
                                          '[^[:alnum:]]+', ' ', 'g')) $$;
    CREATE FUNCTION bp_term(t text, prefix boolean) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT to_tsquery('simple'::regconfig,
                  replace(bp_words(t), ' ', ' <-> ') || CASE WHEN prefix THEN ':*' ELSE '' END) $$;
    CREATE TABLE briefings(
        id bigserial PRIMARY KEY,
        root text NOT NULL,
        relpath text NOT NULL,
        title text NOT NULL,
        date text NOT NULL DEFAULT '',
        duration_ms bigint,
        language text,
        content_hash text NOT NULL DEFAULT '',
        cue_count integer NOT NULL DEFAULT 0,
        indexed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (root, relpath)
    );
    CREATE TABLE cues(
        id bigserial PRIMARY KEY,
        briefing_id bigint NOT NULL REFERENCES briefings(id) ON DELETE CASCADE,
        idx integer NOT NULL,
        start_ms bigint NOT NULL,
        end_ms bigint NOT NULL,
        speaker text,
        speakers text NOT NULL DEFAULT '',
        text text NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, bp_words(text))) STORED
    );
    CREATE INDEX cues_briefing ON cues(briefing_id);
    CREATE INDEX cues_tsv ON cues USING gin(tsv);
    """,
    # 1 -> 2: listing a root without a full scan (the SQLite store's second step too).
    """
    CREATE INDEX briefings_root ON briefings(root, relpath);
    """,
    # 2 -> 3: per-user data, each login role's own rows only.
    """
    CREATE TABLE bp_positions(
        owner text NOT NULL DEFAULT current_user,
        root text NOT NULL,
        relpath text NOT NULL,
        position_ms bigint NOT NULL CHECK (position_ms >= 0),
        updated timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner, root, relpath)
    );
    CREATE TABLE bp_bookmarks(
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner text NOT NULL DEFAULT current_user,
        root text NOT NULL,
        relpath text NOT NULL,
        position_ms bigint NOT NULL CHECK (position_ms >= 0),
        label text NOT NULL DEFAULT '',
        note text NOT NULL DEFAULT '',
        created timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX bp_bookmarks_file ON bp_bookmarks(owner, root, relpath, position_ms);
    ALTER TABLE bp_positions ENABLE ROW LEVEL SECURITY;
    ALTER TABLE bp_positions FORCE ROW LEVEL SECURITY;
    ALTER TABLE bp_bookmarks ENABLE ROW LEVEL SECURITY;
    ALTER TABLE bp_bookmarks FORCE ROW LEVEL SECURITY;
    CREATE POLICY bp_own_positions ON bp_positions
        USING (owner = current_user) WITH CHECK (owner = current_user);
    CREATE POLICY bp_own_bookmarks ON bp_bookmarks
        USING (owner = current_user) WITH CHECK (owner = current_user);
    GRANT SELECT, INSERT, UPDATE, DELETE ON bp_positions, bp_bookmarks TO PUBLIC;
    GRANT SELECT ON bp_schema TO PUBLIC;
    """,
)

USER_DATA_VERSION = 3
"""The first schema version with per-user data."""
