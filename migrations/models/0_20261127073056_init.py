"""Migration 0: init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE "users" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE /* case-folded */,
    "full_name" VARCHAR(200) NOT NULL,
    "role" VARCHAR(16) NOT NULL /* admin: admin\nstaff: staff\nmember: member */,
    "is_active" INT NOT NULL,
    "password_hash" VARCHAR(100) /* bcrypt; null: no login */,
    "token_version" INT NOT NULL /* bumped to end every session at once */,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE TABLE "refresh_tokens" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "family" VARCHAR(36) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "rotated_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* An opaque refresh token, stored as its SHA-256. Rotation keeps the family; reuse of a */;
CREATE INDEX "idx_refresh_tok_family_8ce7f3" ON "refresh_tokens" ("family");
CREATE TABLE "api_keys" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL UNIQUE,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "scopes" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "created_by_id" INT,
    "expires_at" TIMESTAMP,
    "last_used_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* The secret is shown once; only its SHA-256 is kept. ``prefix`` identifies it in lists. */;
CREATE TABLE "audit_events" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "actor_user_id" INT,
    "actor_api_key_id" INT,
    "actor_label" VARCHAR(254) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "entity_type" VARCHAR(32) NOT NULL,
    "entity_id" INT,
    "before" JSON,
    "after" JSON,
    "request_id" VARCHAR(128) NOT NULL
);
CREATE INDEX "idx_audit_event_at_d387df" ON "audit_events" ("at");
CREATE INDEX "idx_audit_event_actor_u_fd5492" ON "audit_events" ("actor_user_id");
CREATE INDEX "idx_audit_event_action_b36abe" ON "audit_events" ("action");
CREATE INDEX "idx_audit_event_entity__738292" ON "audit_events" ("entity_type", "entity_id");
CREATE TABLE "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);
""",
        "downgrade": r"""

""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE "users" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "full_name" VARCHAR(200) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "is_active" BOOL NOT NULL,
    "password_hash" VARCHAR(100),
    "token_version" INT NOT NULL,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "users"."email" IS 'case-folded';
COMMENT ON COLUMN "users"."role" IS 'admin: admin\nstaff: staff\nmember: member';
COMMENT ON COLUMN "users"."password_hash" IS 'bcrypt; null: no login';
COMMENT ON COLUMN "users"."token_version" IS 'bumped to end every session at once';
CREATE TABLE "refresh_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "family" VARCHAR(36) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "rotated_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_refresh_tok_family_8ce7f3" ON "refresh_tokens" ("family");
COMMENT ON TABLE "refresh_tokens" IS 'An opaque refresh token, stored as its SHA-256. Rotation keeps the family; reuse of a';
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL UNIQUE,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "scopes" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "created_by_id" INT,
    "expires_at" TIMESTAMPTZ,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "api_keys" IS 'The secret is shown once; only its SHA-256 is kept. ``prefix`` identifies it in lists.';
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "at" TIMESTAMPTZ NOT NULL,
    "actor_user_id" INT,
    "actor_api_key_id" INT,
    "actor_label" VARCHAR(254) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "entity_type" VARCHAR(32) NOT NULL,
    "entity_id" INT,
    "before" JSONB,
    "after" JSONB,
    "request_id" VARCHAR(128) NOT NULL
);
CREATE INDEX "idx_audit_event_at_d387df" ON "audit_events" ("at");
CREATE INDEX "idx_audit_event_actor_u_fd5492" ON "audit_events" ("actor_user_id");
CREATE INDEX "idx_audit_event_action_b36abe" ON "audit_events" ("action");
CREATE INDEX "idx_audit_event_entity__738292" ON "audit_events" ("entity_type", "entity_id");
CREATE TABLE "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
""",
        "downgrade": r"""

""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztW21z2jgQ/isaf+rNpAyYQHLpzc1ASq+5NuEmoXc3bTqOsAVosGXXkpMwvfz3k2Qb4z"
    "diUyBA/SXEWq1entXL7uP1d8WyDWTS2jUauYhOBvYUEeUMfFcItBD/J1N+BBToOJFUFDA4"
    "NKWC69fUmKgqRXBImQt1xqUjaFLEiwxEdRc7DNuiN6VDgO3Abx4CgTaQ2keAMttFBoAUYE"
    "bBzfvOa7XVroFrm0GhC6YIORSwCeItW9icveENeBQBewSg6Nqwdd43JuON9XJLXFGNq8vG"
    "uOSe//q1Hya2GerUxHA8gnn3HJox4nKXD+rLV16MiYEeEQ0fnak2wsg0YnbAhmhAlmts5s"
    "iyC8LeyYpipkNNt03PIlFlZ8YmNpnXxoSJ0jEiyBUD5mXM9YQ1iGeagflCA/kjjar4Q1zQ"
    "MdAIeqawqdD2BxCVKZp21R9oN72Bpikpe4caC8YJinSbiLXCh0rl7MdiCK/VxvHJ8WmzfX"
    "zKq8hhzktOnvyuI2B8RQnP1UB5knLIoF9DYhyB6psmDez5BLrZyEYaCXT5sJPohlgugzcs"
    "eCF8LfiomYiM2YQ/NttLwPy7c33+vnP9qtn+RXRo8w3t7/erQKJKkcA7wlduCW0C6aQMxn"
    "Gt9eD8sss4BnP7uADM7eNcmIUoDrPuIgGFBlka5rdcwrCFsqGOayagNgLVWvjPehZ4dAds"
    "A3o+QaNP+Jb1Tb4E+sHFZe9m0Ln8S3RnUfrNlPh1Bj0hUWXpLFH6Krkb5o2Afy4G74F4BJ"
    "/7Vz0Jr03Z2JU9RvUGnxUxJugxWyP2gwaNhdUZloaoxayOHh3MW1vB6nHNA7T6nlg5xGSp"
    "mQP3YgUzxzXXYOZgVVZW3oCVpdu4kpVjmpWVd9nKPGhwtVKe/ILG8+78HpzM6/DoRYw0mm"
    "Y69AKuNLrveHiHx+QDmkmQL/iIINFRBqhBtPspaGbPwH0KV09YGu1mFz7Mg8rFRcXnzmeM"
    "mO+Sd27OO297ikR4CPXpA3QNLQa1kNiqnSiZ102LLNVKlkACxxIcMQsx5kXUM7iH0Br5nI"
    "OYUDGqIR/LKjbfrdgcWRCbZcLGucLuRoyKDil6PbJNAxlJeqpI6Ki2isSOvFZu8Chl8ehx"
    "xDvW5EMJsGNKm6JCtnszxZGu14sgXa/nIy1kTwlX3swBuUc8K3U3JZx5c8tYKxayhv7JW2"
    "aJQ8PC5AzIn1sxm9HoDMifW+K3eAYWWi5pl0YRjqqRz1E1UhwV5nGwzvB9hmW6Ngcdkpxz"
    "fFEvYZUhV9yUWcJjaLuudrff/xjzsrsXgwTGny67PY69hJ5Xwr5PER70EeAOpPTB5s5CWV"
    "4wpbjSXthOeKMMdXfmsDdSlTdgA9MeY7LSki90FDWWHEWN9FHkc6z33G0S4y3uvaT0theV"
    "1MtawLMc+VoGIGIAxMc8AxRRMXAAGbDDU3ZLnk6EfXnUXwTvxk47jhX7/XOz355jrGj1uG"
    "Zl9V2xegaDJkefonvy2YlFPjWZhZBw7QL9dx+ukSnf8uezQcnchz1bDnmsUGw7QQdrUzT7"
    "QaQ6Dv6AZoeE0Sb5rgCtDMYrwjGf81q02PMZNoMJ4s4Pv/AYwBTQif1ApAf0hv81Z4t5L0"
    "I+RQ6rgbs7h28j/Hh3B7CBCMN8XiJFBmACTEwZrSX9pw12U9Fzu0XPlSWMDpgr2kiA5u+J"
    "UuHxXGN3CdBVEV4768NPztL8w6LOwUG8/qwkqtuijRTAf970r7IBjjSSXjnWGfhP3gYbYz"
    "t/G3lEl+meQw+bDBNaE/39XpL/XAfZJhCKOeQhzK8uO/8mLXD+sd9NetqigW4VJh94wFQk"
    "TA5tN5yVyztI6a3EO+1YKsm6macdysDbMaT3ZAcVStoxIWWaR1c6OpO6laV32dJVEt7PYO"
    "UqCa9KwquS8HJJSc/ArHeP5LjTxGQkPVpKTop6GhIVN5+X90URrCGb+QuIy4JHDu7XUqRg"
    "F49/Fl7wV1VtNk/UerN92jo+OWmd1ueHQFq07DToXvwhDoTYaf48e1j+ht1m8LlVexxu7M"
    "n3u+1q5a/blN6GYs/9o+OT2AbvgFaBN65aRfd5EPPJolJpyAm1LeZrboqp3EIOMtRZZkbU"
    "UpizX0UfwIfY6+fiEw5S4ZT6uNoBvrtrqkW+eVfzv3lXc6AudSTHdKqzOH0WD9GIh49l3i"
    "VFGj/0LmnHcN32SyM4YlmxfD7sc4UK9dVRdxGfNmWZZ0j+YR3XOji/o6GeFkkCUE/zswCE"
    "LIO5eiGiBblYnyhZJIsvOVpKsER1qk8e9+tWy2dFcj8MyN/0+V8GHIJ3prZahWKN1pJYo5"
    "WKNfimKoFwUP0A0d1I3hrvkQX0cFGfYUFl+3k/e+42vOhl9vQ/9yGh3Q=="
)
