"""Migration 13: notifications (webhook subscriptions and deliveries, the email outbox,
preferences, the dispatcher's cursor).

The dispatcher's cursor starts at the newest audit event: a server upgraded to this release
announces the changes made from now on, not its whole history."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "email_messages" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "dedupe_key" VARCHAR(200) NOT NULL UNIQUE,
    "to_address" VARCHAR(254) NOT NULL,
    "user_id" INT,
    "kind" VARCHAR(32) NOT NULL,
    "subject" VARCHAR(300) NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "ics" TEXT NOT NULL /* iCalendar attachment, if any */,
    "event_id" BIGINT,
    "booking_id" INT,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMP NOT NULL,
    "lease_until" TIMESTAMP,
    "last_error" VARCHAR(500) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "sent_at" TIMESTAMP
) /* One email to send. */;
CREATE INDEX IF NOT EXISTS "idx_email_messa_status_f61522" ON "email_messages" ("status", "next_attempt_at");
CREATE TABLE IF NOT EXISTS "notification_preferences" (
    "user_id" INT NOT NULL PRIMARY KEY,
    "email_opt_out" JSON NOT NULL /* kinds of email this user does not want */,
    "updated_at" TIMESTAMP NOT NULL
) /* A user's choices; no row means every kind of email is on. */;
CREATE TABLE IF NOT EXISTS "outbox_cursors" (
    "name" VARCHAR(32) NOT NULL PRIMARY KEY,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* How far a consumer of the change feed has got (the last event id it handled). */;
CREATE TABLE IF NOT EXISTS "webhook_deliveries" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "subscription_id" INT NOT NULL,
    "event_id" BIGINT NOT NULL,
    "event_type" VARCHAR(64) NOT NULL,
    "order_key" VARCHAR(64) NOT NULL /* delivered in order per key */,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMP NOT NULL,
    "lease_until" TIMESTAMP,
    "last_attempt_at" TIMESTAMP,
    "last_status" INT /* HTTP status of the last attempt */,
    "last_error" VARCHAR(500) NOT NULL,
    "delivered_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_webhook_del_subscri_130c45" UNIQUE ("subscription_id", "event_id")
) /* One event for one subscription, and its delivery log. */;
CREATE INDEX IF NOT EXISTS "idx_webhook_del_status_d0f04a" ON "webhook_deliveries" ("status", "next_attempt_at");
CREATE INDEX IF NOT EXISTS "idx_webhook_del_subscri_4ef01b" ON "webhook_deliveries" ("subscription_id", "order_key", "id");
CREATE TABLE IF NOT EXISTS "webhook_subscriptions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "description" VARCHAR(200) NOT NULL,
    "event_types" JSON NOT NULL /* change-feed actions or prefixes (booking.*); * for all */,
    "building_id" INT /* only events of this building */,
    "room_id" INT /* only events of this room */,
    "source" VARCHAR(64) /* only this import source */,
    "secret" VARCHAR(100) NOT NULL /* whsec_... signing secret */,
    "previous_secret" VARCHAR(100),
    "previous_secret_until" TIMESTAMP,
    "active" INT NOT NULL,
    "disabled_reason" VARCHAR(500) NOT NULL,
    "owner_user_id" INT,
    "owner_api_key_id" INT,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_webhook_sub_owner_u_6d4caa" ON "webhook_subscriptions" ("owner_user_id");
CREATE INDEX IF NOT EXISTS "idx_webhook_sub_owner_a_c8aafc" ON "webhook_subscriptions" ("owner_api_key_id");
INSERT INTO "outbox_cursors" ("name", "position", "updated_at") SELECT 'notify', COALESCE(MAX("id"), 0), strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') FROM "audit_events";
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "webhook_deliveries";
DROP TABLE IF EXISTS "email_messages";
DROP TABLE IF EXISTS "webhook_subscriptions";
DROP TABLE IF EXISTS "notification_preferences";
DROP TABLE IF EXISTS "outbox_cursors";
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "email_messages" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "dedupe_key" VARCHAR(200) NOT NULL UNIQUE,
    "to_address" VARCHAR(254) NOT NULL,
    "user_id" INT,
    "kind" VARCHAR(32) NOT NULL,
    "subject" VARCHAR(300) NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "ics" TEXT NOT NULL,
    "event_id" BIGINT,
    "booking_id" INT,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ NOT NULL,
    "lease_until" TIMESTAMPTZ,
    "last_error" VARCHAR(500) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS "idx_email_messa_status_f61522" ON "email_messages" ("status", "next_attempt_at");
COMMENT ON COLUMN "email_messages"."ics" IS 'iCalendar attachment, if any';
COMMENT ON TABLE "email_messages" IS 'One email to send.';
CREATE TABLE IF NOT EXISTS "notification_preferences" (
    "user_id" INT NOT NULL PRIMARY KEY,
    "email_opt_out" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "notification_preferences"."email_opt_out" IS 'kinds of email this user does not want';
COMMENT ON TABLE "notification_preferences" IS 'A user''s choices; no row means every kind of email is on.';
CREATE TABLE IF NOT EXISTS "outbox_cursors" (
    "name" VARCHAR(32) NOT NULL PRIMARY KEY,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "outbox_cursors" IS 'How far a consumer of the change feed has got (the last event id it handled).';
CREATE TABLE IF NOT EXISTS "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "subscription_id" INT NOT NULL,
    "event_id" BIGINT NOT NULL,
    "event_type" VARCHAR(64) NOT NULL,
    "order_key" VARCHAR(64) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ NOT NULL,
    "lease_until" TIMESTAMPTZ,
    "last_attempt_at" TIMESTAMPTZ,
    "last_status" INT,
    "last_error" VARCHAR(500) NOT NULL,
    "delivered_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_webhook_del_subscri_130c45" UNIQUE ("subscription_id", "event_id")
);
CREATE INDEX IF NOT EXISTS "idx_webhook_del_status_d0f04a" ON "webhook_deliveries" ("status", "next_attempt_at");
CREATE INDEX IF NOT EXISTS "idx_webhook_del_subscri_4ef01b" ON "webhook_deliveries" ("subscription_id", "order_key", "id");
COMMENT ON COLUMN "webhook_deliveries"."order_key" IS 'delivered in order per key';
COMMENT ON COLUMN "webhook_deliveries"."last_status" IS 'HTTP status of the last attempt';
COMMENT ON TABLE "webhook_deliveries" IS 'One event for one subscription, and its delivery log.';
CREATE TABLE IF NOT EXISTS "webhook_subscriptions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "url" VARCHAR(2000) NOT NULL,
    "description" VARCHAR(200) NOT NULL,
    "event_types" JSONB NOT NULL,
    "building_id" INT,
    "room_id" INT,
    "source" VARCHAR(64),
    "secret" VARCHAR(100) NOT NULL,
    "previous_secret" VARCHAR(100),
    "previous_secret_until" TIMESTAMPTZ,
    "active" BOOL NOT NULL,
    "disabled_reason" VARCHAR(500) NOT NULL,
    "owner_user_id" INT,
    "owner_api_key_id" INT,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_webhook_sub_owner_u_6d4caa" ON "webhook_subscriptions" ("owner_user_id");
CREATE INDEX IF NOT EXISTS "idx_webhook_sub_owner_a_c8aafc" ON "webhook_subscriptions" ("owner_api_key_id");
COMMENT ON COLUMN "webhook_subscriptions"."event_types" IS 'change-feed actions or prefixes (booking.*); * for all';
COMMENT ON COLUMN "webhook_subscriptions"."building_id" IS 'only events of this building';
COMMENT ON COLUMN "webhook_subscriptions"."room_id" IS 'only events of this room';
COMMENT ON COLUMN "webhook_subscriptions"."source" IS 'only this import source';
COMMENT ON COLUMN "webhook_subscriptions"."secret" IS 'whsec_... signing secret';
INSERT INTO "outbox_cursors" ("name", "position", "updated_at") SELECT 'notify', COALESCE(MAX("id"), 0), now() FROM "audit_events";
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "webhook_deliveries";
DROP TABLE IF EXISTS "email_messages";
DROP TABLE IF EXISTS "webhook_subscriptions";
DROP TABLE IF EXISTS "notification_preferences";
DROP TABLE IF EXISTS "outbox_cursors";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXW1z27ay/isYfYl9RnEdOU5c5947Y6du49sk7jjOPWdO1JEgEpJwTBEqCcZR2/z3uw"
    "BJ8Z0hZYqCGHxJZBLLl10Q2Jdnd//qLZhJLPfoZ0LMO3ZP7N45+qtn4wWBH9mTfdTDy2V0"
    "ShzgeGLJ0VMYNuJinDyOJy53sMHh1BRbLoFDJnENhy45ZeI+vQvkEsMhHFEbYWRgi9gmdp"
    "DrTdbD0Mfbt+hgfQpu7sJA22YcaG0TzQk2ieMeHqEPnDnERFje22QG3Jzas+3dZmhT7qIP"
    "by6eDk5fvELMJmhJHOS5xHmFHMYxh9sjypFDPgNPXMTnBDHLFLc6Es/o2fQPjwDDZgROOf"
    "Ckn36Hw9Q2yRfihn8u70dTSiwzIRdqigvI4yO+Wspj1zb/WQ4Urz8ZGczyFnY0eLnic2av"
    "R1Obi6MzYhMHcyIuzx1PyMj2LCuQaCg2/0mjIf4jxmhMMsWeJSQtqP0HiI71RqP3N3ejD1"
    "d3o1EvMwtCipjEgkMGs8UMgkd15dvPxCM8HTx7/vL52cmL52cwRD7m+sjLr/6tI8b4hJI9"
    "7+96X+V5zLE/QvI4YqqcuaM5dudZ5r6eYyefu0mqFJfh8dNcDnmqLpsX+MsIvoMZn8OfL5"
    "6X8PT/Lm5fv7m4PXjx/FDckMHX7q8E74MzA3lKsD1iM3yJghUjzLNs/gnOcLog+axOUqZY"
    "bQakR+GPTRgfHog4H61cbbAeXtC8sa1VIPIS1t9dv7v6cHfx7jdxu4Xr/mFJ/l3cXYkzA3"
    "l0lTp68CIlpvVF0D+v794g8Sf69837K8le5vKZI+8Yjbv7d088E/Y4G9nsYYTN2OwMj4Zc"
    "S0hdLIujWstWjOLba5f6X1UDi5fYDqb3sbVLHJhg4/4BO+Yoc4YNWO46JxiblcONTe4Y/C"
    "OFcQ3Pjm2D5DA/UAk+BhfZKyF8DedYeDS6v4Mf1vtsfOrBm8P7Eu7vAhcfXl/8dNX7mmB8"
    "ks/i1GKwSB/BNp7J9xVPJp4j4OMtmcJHNi9UvRLnS7Uvxx9ZTwGzEVtikAwKqJGk7iM31H"
    "JQTMk5QrdSrQF16Z6Qpa/RTPGCWivQeAhwDbEpwln9axt3GdpSxwJyebGElvUwZ1ZIo1Ut"
    "BVUtXzR11KyIohkVK7vT707HOnlRQcc6SW/ekY4lTiV1LK3KalVWq7JbUmXJlyWFq20g9S"
    "RlB6W+J1IOeVIq5kC92EDMScoGxBzMSi3lLUhZqo0bSTlBqaWsspQV8D7sej/ehv/hWz6F"
    "n8G8ozP7V7LasldBjU+lYb/CNxw6zfkgJNdzfA+hNIp9DuKFqrkainmpbXO1bHOywNSqYz"
    "auCdS1GHsGdsnTKbNMYqbdU1VMx8FpFdsRRhUaj/Jc0nqcwo1H8o8azE4QbcsV0u7OlOT0"
    "8XEVTh8fF3NanPuaUuWtAiZf2d4iszellHmrZV73FmQx8VfeOlMcmwtqnyP531C8zXR6ju"
    "R/Q9u/4jmKXbmmXJ5V8VE9K/ZRPcv4qCjYwQann3Mkc8mA6dguWMfjdCmpTIBwW2IJl6F2"
    "Ve3Lm5u3CS378vouxeOP7y6vgPeS9TCI+jpFuNBHDF9i131goCzU9QtmCDf6Ftoxb3oTw1"
    "kt+StJChdgyGIzam805SstRc9KlqJn2aXI97F+BrVJPG917SVD155VclxXAt5iKcMySCBn"
    "CDzzCrnEFQ+OMEcsXGVb0nQi3tfn+k74/UxpxVF7v79v77e3NDeUepJSS10Vqed40OTT14"
    "CbxP2paRRCSrUL6H/+9ZZYMspf7A1KYx/2bDoUeYUSnxNe0tE9WT2SUxdL+itZdZVHoNXf"
    "w0UeyaNL/ypdZZJLHEoeyaIP62t0hUO13KYx18wayV7M0BAw9222JuDzSlhJzTC2hos5WK"
    "BynMzR0lXsZo4vkt8Gtd3NyRrw7yJ3zh5saXQIjL61ikPNxPl7suRHaDxews5Fv4zHiJrE"
    "5hTeS6DSRMqARV3uHqVNli3eRnvE1fKI1/XRdtg9uxWfiP9N1PJIrSnUjTlsyuHGHa2wct"
    "Z2+cVpOsfi5oGArsGWecrX/364eZ/P4IgibQhTg6O/5W6wtQDDf00925AI64lHLU5t90jc"
    "739qhhya8G8LDiVs4JDNB+8u/pWWwOu3N5dp41Zc4FJ7pjruo6jimQplN1nVg/pk6DZy9S"
    "qmuDft7FUI9KoYp/fkC6qEk7Owy0eeu9HSmabVklZZ0hr3+j1IWeNeNe5V414LnZKeSfnV"
    "ZyKfO+uYjM72S52TYtyIiIHbh8J+6gmvIV/5EwjOBX8Cc3+v5RS8pLPvxS/442BwcvJycH"
    "zy4uz0+cuXp2fH60Uge6psNbi8/kUsCInV/Nvew/o7bJvGZ6vy6K7tCd87c0b1t9sM3ZZs"
    "z/1zx6d5G8SANmFvklRb90UshpcltZD/KbIWIdLb8lS2APvHRhgtrsHm/PhyB2ofNO+LTy"
    "lIlbNYkmQdjN2dDKqUmRgUl5kYFLC61pKcoNFrcXYtnpApmI91YkkRxaNiSYrxte2gEZ7y"
    "PFu+mO1rAs31zbnuEHhtl+euIcWLdZKqc3rHs8FZFRDA4KwYBSDOPbJiXHOOlkuPWqb/+h"
    "k3y/pcv8zJMglG6WTjfbTlip0jBoi6zocfju8cJqV55Uyj1rabVCx8cH8yuxaP4zQq87l3"
    "ffH+Aokn7SNyNDtCV57DluSHS+JYmyVTNm/nwfPYcP/RnHlOLehVhnAP9LfeX0PYFu2hWD"
    "0/DXvHZ+fHx0MYNuwNjuVP4f0/Ojr6Gia+YusBr1wk3rWauNpW/HQyZgMba8ROP6i2STw/"
    "Sanj+SrH8zWwsfiD6m5wSafcdk3qOR/75im3hsVcz3ls7t9r/yp7OAcqpUc6jC0em44Ml+"
    "gSe7bp8QlnU47DJzbRiv098TldLeMv9BChA+bIZjxC4qJSPOWHIgFPXJGYyPQEs9B4/Mnl"
    "2OF9UaPkcDzOT+9r4JpVID3hbQJ3prxITTiPdkQ90hElJFsvkBWjUBe00fOtwagpwiTmbm"
    "3fSvGndk0lZk3UQf1lf/WVrJoKq15d0QYkWrBKCxZ0bLceYiWi6Fxsbiu+ZG3XF3N/Py28"
    "KnZ9Su+rqHekqHSWxrezNOJKzyMzNeLh6j1jctVsjdQEUylj42dY7ArMyvBUv7xDrRxUw6"
    "wEbnGHWRaYeZ+ZgSeehZ2VMAGlKRheDx0sHfYfIuCwfVC0KScTBi8rQzKH+bZlUxfWiAa1"
    "DEmNaAgUpedV9KTnxWrS84yWpBENzdfh2cjjLF0f8bX0cU7V2NK9Z0LZiW9V+qFzdsDQP1"
    "3SIjR0gm85RzGlQRh4iQ3KV9qnqbeinayWGly3bw6RqcVYDhi/cElYj9cZJTmF2sP1tzo/"
    "4yTaw5CXpcPYvXzVrPZT1rwkTqZ7l1TvXSISPvwqUkswiD/jnDTVUr7n0rcogPWRvZVA/O"
    "EyvL8jXwoWkhRZB8IBZQ7oq3/dJdidAcqu/c9vb97/Eg5Po2c1UHbLC7cwTVzyRx2ne5JK"
    "+eY7k1XQeCd4cPTgwJftAwGEFfjE9Y8gixn3af9kO4IQSqS7xDbwFO5k5vgRCqWRR6quSC"
    "xmz4jL16Jg07UY0IGoCy6khWGPprMZcQ7PYaAHL4Vcgh1j7jtYNKBcHVVyTyKQGlCuA88a"
    "UP6dSL0IUK7hBhpuoFhspF8DbnALc/72+vVdGd5Ah6V0Vy3dVatT0c0SmE/qwyyPdY5q4X"
    "1qxTw/yRvIiRE8ze+ZMGhwJljYwnwBHQRtNQiaFELVcFKCSOs8eR751hNmusjREi1yvb48"
    "ToPsWNZiWnuMTap8oGoiqhxtHI/kavd0wzRjk0tgba18mypCqHPmVROL1NGSYmIxzffbKO"
    "CLAJHLnEyGJzr4ePf68AjdPTCB551SZyF878HlhaN3nTRqC3c8YvCPhZfnaZfuVm4ytIWb"
    "WWyME+zCCDL1XL/b5AH5YlieiBGhaB6gH0IXdB+5hEgf9YLOHKnduoVg4089l3mO/62QL5"
    "w4NrbWak5CHYp9qkGKax996rEHe138OnZYJ8HuQFfilOchGsrqWfFcLIPGNRXgmnQUfUdR"
    "dJ153OEols487qhg4QPkXo77TexIV7a3yGjr6c83oFZ5e+otYS6CQM9R8GNor9W880jjG9"
    "oOEYlg4mD4C0aKFxdJZDAy/JlWLivlkzTeddj3nNbzECRo1C2qsTOfCzMMz3EIyHkkFqj8"
    "NS+ftTmkZWtfI6xu5OsIbBgiDB2M/BmCorepNtlLuCzWuUyvU4PI+4dKcobPxcVF82j3t8"
    "NzD9sxXiNjju2Zjy6DX7DmPMypMQ+TVuG77SMxg8S/YBeAGblegNWrPxpZrVWNnYhio+1E"
    "MRTTlvIJk99R5A6owecUWfeYvRXLsptFWnoP89Va3fnhUSrOaSWun5Zw/TTLdQ3OblTB0S"
    "3cW2Cuxnp2BfWnsZ7fo9SrYD3jUZWKa2icRMfnNeJBIx7UDMwXIR6iqHxmIWiAqR3vUB9f"
    "/JTCOlybZLFknNjGCoTVy4E8pEb0y5APNBorOiJXR0AQYDMxg5zBB8rnEh7gwpMguI447z"
    "m2Kw9OqeNyOOKCIBEFvsMmGzrvRLaegCtkS6Jt6R65gIVYu23XYEs56+EOGciCBh+0CT6o"
    "3zz9sW3TVVusGq+2HU7uyh7OkEDpeFngdF4SH5oUdCgLAFFHvq26iYOo+RZl9ySn5kox+4"
    "PhKjNfLY+n3wR2jt15Pb9nkq6D/G5+KsNeK8MfNQ2gJJVepffeLdeqxrGf/pkir1zG8t2x"
    "RcFv/YWwV2ZUrAdVsyv4KFhdK5sW/iQGvd3mvtKPbTQex4yap2DVCBQ0Ewo8aP9wHoe7/R"
    "O3H8SgKXcRGHE5dkWzNxja8Ea2i/3gugPWhmO6CLuZq8qLHp4jw8JUArbJFGxuvxMLc+77"
    "4pct/4TLPRCnP7T9G2FpCa1yLCCwYeA+M/g+cm2ecLGtZPis1Sdt/Gjjp4vbamKCV1UNE0"
    "Qq64USFrV+WiSQN9IKkhV+R9oGUmNKaxuoUzZQERq5GM9aBEBWCY/Qi3SQJ24A2Qu7iLuc"
    "WhZyPNveWcu4CTNzFpDiVJlwfBdgY20nycxBpSROLbxrjEQNmKu4bV2YaxMC2QpIVfsGup"
    "rloogz4I44ub0k5PF+mcnPYcRW6qoYeLH0N035TNou3aVdqvscbBciH032qhyOKNRFbavE"
    "YZnDWztdKkn1yEwp1eZ1zWwo26zNvjjNd828ObOoiVf1VOoYjRo69UapY5/+Gvqf0RD+Gv"
    "YGx4OXT4+fPz0+HcLgoZgiqRM/+icE6/wzV9gFLWPY+/p7NdOzbe1cJ380oHvsq7Gjkerf"
    "tn50fsL3KPWi/ARFTN6gRNitJ1+6qIKYPN2vUEVs5MDIitHut3QhwsiiyteCLCawGTxZF/"
    "Lqo5nFJtiyVuhgPJZIvP/2j4zHhwgoBJWo9BXWS0Z+w7NEtLvpGwxtEVB65dcCgxmA3CUx"
    "6JQayCUcfcaWJ5C6oCGg8ViweTyG+2LbRTYDJQWeBWEuIuocWeQzsUpqiIXIQ/kjr36Ytv"
    "vbtPs7Ch315zto0Os5/jcKs04UKJkSzv3q8zlOomwHnJ1plEJepufHyEcLans8r5Z3aZuh"
    "PHKFg3k7Y/WcOfRPkTmTa+wWsjhNplmbM4upDWoUpwbZZA7nEms25y8Woa40WhJn9EDIfc"
    "3VIpdeMzuf2XPmORtzOkus2Zxlszaui1mtjettgMsXS+bwS8yNeS8PVh473S8FlMuBFc3q"
    "GzBaxSyU1Ggiro6mDlsIaLRERJ9L9PbSwnYfYdtEBw8Cew13tygxD31ot8cNtshJTG364j"
    "nmr7Z0d2nptl0HTjEgTQshWPF912FwOF5pV4L44NHf8jtfbeI+OKvA57NCLp9VxaaWTOM9"
    "qY4LfLaJGbCayl9hQTg13DZMPmutEG+MRI0Ib6dQk663WGAnBzVcLJAYiRZI4wKhnCxqfR"
    "9rAjWEsQn+QVlh6BqLGsOgDe6uZHMHzUVzbO2o7WixmR21N61WBWpdCfzg9vbj2yvkehOX"
    "8EMR5cXoAVvWU8Nixr00mBH105vDUNsTF/0pyjKhK+xb/5n6T41dfWjHipZTN0rn9pOqx+"
    "N1o4HxWNrs43GqPv543AfzHsUbaD1xh7bNngbdtZAI+6OZh0X6t2i7tZKxczYVNIvHNsvS"
    "LoA2XQC67ZVue9US4L3tjD7Hy5vZxYp3OL59vXsD18DUIX/0YSOAdfQzBmIRCRKB5D5aMJ"
    "vPrRXoqrIJRQDl7yPP5lTAPwwGv+B/kcQUaLPqKer+g4faXg23ToxK5QWq9+bN+bt3fQR7"
    "OrY2ceWcVlioTour+WcWqc2RIo2hRJTbGxq2j8S8FHpavd02olF5Pm+44W6hTsE9XY6KM0"
    "8uGbMItguWjzRtiuOgSFvbYnmoU7a7717e3LxNrN2X1+mN9eO7y6vbg2dSBDCI+qWBs7Nb"
    "ttU1iZ/7VLdtVIpSe74a31DBoN9ENikyLZhtaDp71uaxJwrAfSY1BRBQnSP/f6XbN+r2aL"
    "o92m6YvRUPBNxRlqesWygrTdcBH8S21U+dFtvTPdH2jLk6Xtf1eJ2GRXdZ6kWwaN0TTfdE"
    "U5+jGSyB7omme6LtnKnK9kS7WmBqvSOui+W3l0G+JM73y/AvRIwcLfyhNbJNJB3iTHQVMP"
    "NzRpJDhvbQHo9NYnpLIjqviUIJ+J64USI65SjqooAOBJhkSRwBLYE/sSzvb9Alhb/6Emni"
    "kIWYP87QFsNCfIsYaInGAEL98AeaFF6Ny4sBIxyBX5HDTLw6rJiR8inmY7PJFw7qD4dHFf"
    "/70JXKWJVLOvte4Co/DgYnJy8Hxycvzk6fv3x5ena83hqyp8r2iMvrX8Q2kVCbvg1qieZa"
    "HXdHkqoZZ8duhbF91xJonKCEgp5aK/0iSdXBuObgtIpnCUYV8/o041tqv09Gxx0gsGvU8j"
    "6H4zs4YU8GFebryaBwuopT6USUiUhUqhVFiUi6yOJK6+9Jyfp7krP+Co2kbpuABFEnON02"
    "tHDOF1ZttieINNs3YDs1ctSMYoYHw9UNW/Xoawzrg4nBKuEcG/OFNHHoFIyUiom1bYtA2m"
    "S5WkiZeROn6pAm0oqZE28H41ddrKUDJok6xPzmWkXvRfp4bwkLRdiJaPugj8ZBNYHbpA6y"
    "OE6iC/ylp23aGZXha3k0L4e8gyG9/Q3hZSO3FsEuGck0jrrCTpE2IGjF9oROyRm7fEQch+"
    "XEaYr3pCSVujrvhhvSaSXr+bTEej7NAcZpBEzHsBBVEDCiG/YGIo+R6fVTtfVTkYoE7xkX"
    "FeJlPtxvDpkSmVXfy4nTFozsl0Vs7RjNaLkmqlzDQIQDnrjImDMKVK9EoXqHPQRV6/08fu"
    "HiFon8fgSXuojZ2RDvo670iBqACjQKVyG4urVaAD4igIE9wLyc5bEkgytNuL95QjLI40YT"
    "l89h6opphExGRG8Hjh6wP3fUyyXS2M6u6TNF2E5F9rsbj0/Yl9ee4zInb5dLnC/d25gcOT"
    "Lk0Io72hvYcqbCd46EsL0FfKR+DRrYmLA9I2hKiInm2EUz+GwPxAlhJQW4ImoK3BEMNC1i"
    "HmZ3ucav/oidb7etSBUCsTQVpy7eBOHjpPm1WsoCHHGqzrgqWw5v6N1L716t7l7/JJM5Y/"
    "c/EYsKkyVvA0sPKd3DHvzBAi0sRleuLichs3LXCNuQiepv4Qi/sroopR5cd4UsNisA3ta9"
    "io/NDR78qawJR8UQB4aYfq338TiM3gaF4TByyPoiBnbEi8p90cWiNp1ZUgAu9kCBWbaODK"
    "fLwJXibvso92LMgScPAZzhNTU+Vzl8bo7oKhr0OZQ6kyavGstuYBqKsrVlRcZno+RcDZ09"
    "SdUJfNi2s+0T631VPieIVGZzL9hkYSOmNpKPLTNZgkffPfs1cCbLZQ2cUX5v1MCZ7yAgqI"
    "Ez36GcBQRm8w87h1zLW3l5FykhhZtjikphRHTvzd3db8h/1DD2IEMMwSStqAU2vH1qeFpb"
    "8LS1/r/BYpam1SuZyiuZBiIWf2f7GfpQvHVOENf4EHOn9orDH4lh/SohkLiftloUpHhC6K"
    "6xasHEPCfHjCre+YPhKnvaNtz0B8dVS2qU1tSo1zGmrH5J1zrGtFDAJPK616tZnyTbY7yj"
    "D2Z6KsFMWF4QbA0HCXgxheUVHQQJpEf/OHyF/iFjy9iq2LKkbfxjWFCqZoZskkplg5CBHu"
    "QH+QODkEZVtHZjDbZfBHGHrA4LEu4gR7mbJel9Lkve0sWSORxFj61AfIuAdVWvgs2aQmV1"
    "p/cwhwcdHR0dIZfObFE7L3pwJdoDwO7zmTLPHdUXQQ6pwh/AplHGFpi+WcCk8CLaAaWyAy"
    "pq6ZJCC5X1y4qIdKOs6o2yTOqK9zdHDsFuTQsvS9o5K28rnnS/nG/9/MEM3ZY01v1zD6V5"
    "i5dUYKo2YW+SVHM4w2HdVKZRdupgSzGruxVs0dlFXZa64tlFF8ShxryXE1ULzvTLAmk4Gq"
    "MjZ/u1cRdHzgo38mKVv3gnV8qltGlI57RKH3MYVVInPdPLXHxUNTgcDO8gd7fiJQqaQtYJ"
    "lsVI2g+U7cYB1Fh4a6eb2df/BxhWYIo="
)
