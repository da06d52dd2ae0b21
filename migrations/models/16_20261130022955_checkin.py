"""Migration 16: check-in and no-show release, room display tokens, the no-show policy.

Bookings get ``checked_in_at``; the new state ``released`` needs no change of the overlap
guards (the exclusion constraint of migration 2 and the SQLite triggers of migration 11
look at ``confirmed`` bookings only, so a released booking frees its slot at once). Booking
rules get the check-in and no-show settings. Hand-written: the partial index
``bookings_checkin_open`` over the confirmed bookings nobody checked in to, which the
release loop reads once per tick (``db.checkin.due``)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "room_display_tokens" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "room_id" INT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "prefix" VARCHAR(16) NOT NULL /* shown in listings */,
    "created_by_id" INT,
    "created_at" TIMESTAMP NOT NULL,
    "revoked_at" TIMESTAMP
) /* A token for the tablet at a room's door: it may show the room's day and check in to */;
CREATE INDEX IF NOT EXISTS "idx_room_displa_room_id_1d95f4" ON "room_display_tokens" ("room_id");
CREATE TABLE IF NOT EXISTS "noshow_lifts" (
    "user_id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "lifted_at" TIMESTAMP NOT NULL,
    "lifted_by_id" INT
) /* Staff lifted a member's no-show ban: the no-shows before ``lifted_at`` no longer count. */;
ALTER TABLE "bookings" ADD "checked_in_at" TIMESTAMP /* when someone checked in */;
ALTER TABLE "booking_rules" ADD "checkin_since" TIMESTAMP /* when check-in was required here (earlier bookings are spared) */;
ALTER TABLE "booking_rules" ADD "requires_checkin" INT;
ALTER TABLE "booking_rules" ADD "checkin_closes_minutes" INT /* released after start */;
ALTER TABLE "booking_rules" ADD "noshow_limit" INT;
ALTER TABLE "booking_rules" ADD "noshow_days" INT;
ALTER TABLE "booking_rules" ADD "checkin_opens_minutes" INT /* window opens before start */;
ALTER TABLE "booking_rules" ADD "noshow_ban_days" INT;
CREATE INDEX IF NOT EXISTS "bookings_checkin_open" ON "bookings" ("start") WHERE "status" = 'confirmed' AND "checked_in_at" IS NULL;
""",
        "downgrade": r"""
DROP INDEX IF EXISTS "bookings_checkin_open";
ALTER TABLE "bookings" DROP COLUMN "checked_in_at";
ALTER TABLE "booking_rules" DROP COLUMN "checkin_since";
ALTER TABLE "booking_rules" DROP COLUMN "requires_checkin";
ALTER TABLE "booking_rules" DROP COLUMN "checkin_closes_minutes";
ALTER TABLE "booking_rules" DROP COLUMN "noshow_limit";
ALTER TABLE "booking_rules" DROP COLUMN "noshow_days";
ALTER TABLE "booking_rules" DROP COLUMN "checkin_opens_minutes";
ALTER TABLE "booking_rules" DROP COLUMN "noshow_ban_days";
DROP TABLE IF EXISTS "room_display_tokens";
DROP TABLE IF EXISTS "noshow_lifts";
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "room_display_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "room_id" INT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "prefix" VARCHAR(16) NOT NULL,
    "created_by_id" INT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS "idx_room_displa_room_id_1d95f4" ON "room_display_tokens" ("room_id");
COMMENT ON COLUMN "room_display_tokens"."prefix" IS 'shown in listings';
COMMENT ON TABLE "room_display_tokens" IS 'A token for the tablet at a room''s door: it may show the room''s day and check in to';
CREATE TABLE IF NOT EXISTS "noshow_lifts" (
    "user_id" SERIAL NOT NULL PRIMARY KEY,
    "lifted_at" TIMESTAMPTZ NOT NULL,
    "lifted_by_id" INT
);
COMMENT ON TABLE "noshow_lifts" IS 'Staff lifted a member''s no-show ban: the no-shows before ``lifted_at`` no longer count.';
ALTER TABLE "bookings" ADD "checked_in_at" TIMESTAMPTZ;
ALTER TABLE "booking_rules" ADD "checkin_since" TIMESTAMPTZ;
ALTER TABLE "booking_rules" ADD "requires_checkin" BOOL;
ALTER TABLE "booking_rules" ADD "checkin_closes_minutes" INT;
ALTER TABLE "booking_rules" ADD "noshow_limit" INT;
ALTER TABLE "booking_rules" ADD "noshow_days" INT;
ALTER TABLE "booking_rules" ADD "checkin_opens_minutes" INT;
ALTER TABLE "booking_rules" ADD "noshow_ban_days" INT;
COMMENT ON COLUMN bookings."checked_in_at" IS 'when someone checked in';
COMMENT ON COLUMN booking_rules."checkin_since" IS 'when check-in was required here (earlier bookings are spared)';
COMMENT ON COLUMN booking_rules."checkin_closes_minutes" IS 'released after start';
COMMENT ON COLUMN booking_rules."checkin_opens_minutes" IS 'window opens before start';
CREATE INDEX IF NOT EXISTS "bookings_checkin_open" ON "bookings" ("start") WHERE "status" = 'confirmed' AND "checked_in_at" IS NULL;
""",
        "downgrade": r"""
DROP INDEX IF EXISTS "bookings_checkin_open";
ALTER TABLE "bookings" DROP COLUMN "checked_in_at";
ALTER TABLE "booking_rules" DROP COLUMN "checkin_since";
ALTER TABLE "booking_rules" DROP COLUMN "requires_checkin";
ALTER TABLE "booking_rules" DROP COLUMN "checkin_closes_minutes";
ALTER TABLE "booking_rules" DROP COLUMN "noshow_limit";
ALTER TABLE "booking_rules" DROP COLUMN "noshow_days";
ALTER TABLE "booking_rules" DROP COLUMN "checkin_opens_minutes";
ALTER TABLE "booking_rules" DROP COLUMN "noshow_ban_days";
DROP TABLE IF EXISTS "room_display_tokens";
DROP TABLE IF EXISTS "noshow_lifts";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXVtz2ziW/isovcSekj2OHCce985W2Wmn4+1cphJnZ2qiLgkiIYlrClATpBVNd/774o"
    "CkeGdIiZIgGi+JReCA5AcQOPfzR2fGTGLz0zeEmPfsgdDOFfqjQ/GMiD+yjV3UwfN51AQX"
    "XDyyZe+x6DZwoZ+8jkfcdbDhiqYxtjkRl0zCDceauxaD+3SuESeGQ1xkUYSRgW1CTewg7o"
    "1W3dCXT+/Q0apJ3JyLjpQyV9BSE00JNonDj0/RZ5c5xERY3ttkhri5RSfbu02fWi5Hn99e"
    "n/QuXv6EGCVoThzkceL8hBzmYlfcHlkucsijwIQjd0oQs0241Sk8o0et3z0iAJsQ0eSIJ/"
    "36m7hsUZN8Izz8OX8YjC1im4l5sUwYQF4fuMu5vHZH3TeyI7z+aGAw25vRqPN86U4ZXfW2"
    "qAtXJ4QSB7sEhncdD+aIerYdzGg4bf6TRl38R4zRmGSMPRtmGqj9B4iudQaDDx/vB59v7w"
    "eDTmYVhBSxGQsuGYzCChKPyuXbT+ARTnrPX7x6cXn+8sWl6CIfc3Xl1Xf/1hEwPqGE58N9"
    "57tsxy72e0iMI1Dlyh1MMZ9mwX09xU4+ukmqFMri8dMoh5iqC/MMfxuI72DiTsXPly9KMP"
    "3f60+v315/Onr54hhuyMTX7u8EH4KWnmwC2COYxZcIUAywm4X5Z9HiWjOSD3WSMgW1GZCe"
    "hn+sA3x4IUI+2rl2Ab14QfMjtZfBlJdAf3/3/vbz/fX7f8DtZpz/bkv8ru9voaUnry5TV4"
    "9epqZpNQj65939WwQ/0b8/friV8DLuThx5x6jf/b878EzYc9mAssUAm7HVGV4NUUvMOmyL"
    "g1rbVozix3uX+l9VA5sXHAfjh9jeBRdG2HhYYMccZFpYj+XucwBsdh4+UnLPxD9yMu7Es2"
    "NqkBzwA5bgSzDIQU3C93CNhVej+zt4sTpn40tPvLl4X+L6p8D159fXP992vieAT+IMTbPe"
    "LH0FUzyR7wtPBs8R4PiJjMVHNi1kvRLtpdyX4/esx4BRxOZYzAwKqJGk7iIecjkoxuScok"
    "+SrRHs0gMhc5+jGeOZZS8Fx0MEaoiNEc7yX9u4S59KHkuQy8ESXNZiyuyQRrNaCrJa/tTU"
    "YbMiimZYrOxJvz8e6/xlBR7rPH14RzwWNCV5LM3KalZWs7JbYmXJt7klRltj1pOULZz1A5"
    "nlEJPSaQ7YizWmOUnZwDQHq1LP8hZmWbKNa81yglLPssqzrID2Yd/n8Tb0Dz/SKbwR4p01"
    "ob+S5Za1Cmp8Kg3rFX6g0GlOByFRz9E9hLNRrHOAF6qmaijGUsvmasnmZIYtu47YuCJQV2"
    "LsGJiTkzGzTWKm1VNVRMfeRRXZUfQqFB5lW1J6HIsbD+SPGmAniLalCtntyZRE+uysCtJn"
    "Z8VIQ9v3FCtvF4B8S71Z5mxKMfP2jrHuzMhs5O+8dZY4NmcWvULyvz68zXh8heR/feqPeI"
    "ViI9ecl+dVdFTPi3VUzzM6KkvIwYZrPebMzA0ToGNasI/H6VKzMhKE25qWcBvaLat98/Hj"
    "uwSXfXN3n8L4y/ubW4G9hF50snyeItzoI8DnmPMFE8xCXb1ghnCtb2E34k1nZDjLufuTJB"
    "UDMGSziUXXWvKVtqLnJVvR8+xW5OtYHwXbBM9bnXvJ0O1OKjmrOwPebC7NMgg8Z4h45iXi"
    "hMODI+wiFu6yO+J0Iuzro74XvJ8rzThq7ffT1n57c3PNWU9S6llXZdZzNGjy6Wu4m8T1qW"
    "kvhBRrF9C/+fUTsaWVv1gblPZ9OLDlUKQVSnxOeG4NHshyQ6Su59avZNlWjARX/yAG2RCj"
    "G3+UtoLEiWORDSH6vBqjlQhxJiQYarLHQGm5AVCcvQ1Gaitalkmoa7kbrylQIt/5Y7V2gx"
    "rjR+Y5QvDeEKs34ThtBSo0QWyE0ns5SKs+vFrWndi6WwXcFCMa+vVWWH3xKB8llDnNAFvD"
    "EhbwUTm2sIjDKraGxXm5H/ve3k/JKi6JIz5lCyp1IxBKZC/jHrHQ/kDm7ikaDueCwba+DY"
    "fI35/Fe4HzLEQ22RZ3+Wlas7LF22jDnVqGu7qmpBZbkbaiuvW/iVqK8xWFuqbRdRFu3B4k"
    "ds7alok4Tesgbt5fmRtsnsej/s/njx/yAY4o0vo6y3DRn/I02Jod9L/GHjVkIMjIs2zXov"
    "wU7vffNS2jTZjhAKGEqi6E+ej99b/SM/D63cebtA4OBrjRCvSWq1KrKNDDuRst63kkZujW"
    "skgpxrg3bZNSyDdfMaQP5Auq5M5rY+4OPL7W1pmm1TOt8kxr9/ynMMvaPV+752v3/EKlpG"
    "da7u0jkc+dVUxGrd1S5ST0GxDouH2P/a8d3+DjLyDRFvwU4P5WSyl4Y02eil7wb73e+fmr"
    "3tn5y8uLF69eXVyerTaBbFPZbnBz9wtsCInd/Mfaw/on7C6Fz53OR3tlT/G9M2dQ/7jN0G"
    "1J9jw8dXwa28AGtA68SVIt3RdBLF6W1ApQSpHtMJJjW5rKHUQnYSO0FteAOd++3IIULc3r"
    "4lMMUuVguyRZC213570q2XB6xdlwegVQ19qSEzR6L87uxSMyFuJjHVtSRLGRLUkxXHdtNM"
    "JjN0+WL4Z9RaBRXx91h4jX5m7uHlK8WSepWsd3PO9dVnEC6F0WewFA24aJLZtTtNx4lm36"
    "r59Rs6zaumVKllHQS+dEOERZrlg5YoiprvPhh/1b55PSPHOmvda2m/sAdHD/YbQWxnEalX"
    "Hu3F1/uEbwpF1ETien6NZz2Jz89YY49nox383LeeJ5qLj/YMq8vKiTYr4tQ3gA/Fvnj744"
    "Fmkfds+v/c7Z5dXZWV9063d6Z/JP0P6fnp5+D+Pzsb3AS47gXatN164ZPx0z3sDBGsHpG9"
    "XWsecnKbU9X2V7vnZsLP6g2mtc0pkB2jbrOR/7+pkBDJtxz9k0RPK1P8oBroFKAZIOY7NN"
    "syaIIdoKj6+62TR6u3oAqZo8wobxozW1YuEXl6MUi32MxTqx+HdfLSoy1KKhI+bIumrwVU"
    "DRD8s9hiBFGJGYyPQALDQcfuUudtwupJs6Hg7zQyAbGLOK21N4m0DlKwep6fKklXUbKutg"
    "ZusZ+2IU6jq2dHyJOapvM4qppHcvyflLuyajtyJqIY93uDxdlpUXu17dqQ1I9MQqPbFCDu"
    "H1vHoiitbZL7eib9e6j2L0D1MKrqL7SPF9FfmOFJWOZPlxJEuc6dkwmiVu0j8wkKtGtKQW"
    "mEpRLW/EZlcgVoZN3fJi47JTDbFSoOU6zLaFmPfIDDzybOwsQQSUomA4HjqaO+z/CLgMdw"
    "WjbblkxMTLSrPVcb5s2dTA2utDLUFSe30EjNKLKnzSi2I26UWGS9JeH83nKlpLKy9VH/G9"
    "dDPFc2zrPrBJ2YtuVerqc07AUIdfUu05NBRsOY4zxUEYeI4NyOSpdZr6KNIOiC07iraiEB"
    "nbjOUELBRuCav+Ouomp+ZGuP9WxzNOojUMeZFMjD3IV81yP2V1qOJkugxV9TJUEBTjZ9qa"
    "C4H4EeeE8pbinku/wwlYXTnYGYg/XAb7e/KtYCNJkbXAHFCmgL79130C7owz8Ur//O7jh1"
    "/C7mkPY+1MvOWNG0QTTn6vo3RPUilfR220DGqoBQ+OFlAhwHcEACnwGfevIJsZD2n95G4m"
    "AphIPsdUYCruZOboEQpnI49U3SmxGZ0Q7q6mgo1X04COIHc6zBYWZ7Q1mRDn+Ep09MRLIU"
    "6wY0x9BYt2uleHlTwQC6R2uteGZ+10/0RmvcjpXrsbaHcDxWwj3RruBp/Emv909/q+zN9A"
    "m6V0gURdIHFvCOkydjoMaSOMtm0qL/EZS+3y5YbzQS3nsVoG9K/yBnJhBE/zW8amHrQEp2"
    "QYfKIt6ju1qCcnoaptMkGkGeg8887Oo6/aiGiJSLLaXzYTR1oWJtxNiSKxRZXv9ZxgfKKD"
    "Y0NU2ydopIFNboG1RbxtsgihAJOXvi+SbUqy98XEqB+7lF8H7t3MyYQLo6Mv96+PT9H9go"
    "Fz+NhyZmDICYYHq8EqApmCbQdBIXEbz6/S9oGt3KRPwWYBB+MIc9GDjD3ul3c9It8M2wOD"
    "I4rWAfpraM/oIk6INHjMrIkjuVte6Ln+tcOFEOB/K+SbSxyK7RWbk2CHYp9qEC/dRV87bE"
    "FX2eZjl3VE9R54Jddy89xjyhLIubmOMdpJrsBJTrtk7MklQ4ext9gkqsPYWzqx4gN0vRz1"
    "G5xIt9SbZbj19OcbUKt8PHXmYi2KCb1CwR99umLzriKOr08dAlGFcDH8S/SEF4eIRNEz/D"
    "PNXFY57Jov8+2r4etpCBI06mZo2ZvOhRmG5zhEzPMANqj8PS8f2hzSsr1PGWV1J5BhCAg6"
    "GPkrBEVvU22xl6AM+1ymuLBB5P1DJjmDc3E23zzawy2p3sE0hjUypphOfFdF8ZfYcxZTy5"
    "iGEdDiu+0iWEHwr5ALhBi52oDVS/gbSa1VhZ2IYq3jRDHjzpaCU5PfUaQOqIFziqx9YG9F"
    "smxnxp/OYrpcsTt/3YjFuaiE+kUJ6hdZ1LWnf6MMTuihOqpZxStDp2MKi8HVjsNtcSHVjs"
    "NPcdarOA4bU2I8iLmz6Dqfe5r4YAJCBLtAKOJsRsAmFrwHqloi5nDnP/vZx81qFQ/ROIl2"
    "0NAuL9rlRU3PjCKXl8gtI7MRNADqF17JhfVQQY1vfko5u9yZZDZnLqHGUkxWJ8fnJdWjW+"
    "b6YkV9oQZ9dRcYImAWR6kfgbyw3Kn0D+HiSZAYB9o9h3J5cWw53BVXuJhIcfZyV3BZofYW"
    "Yn/BXyWbYHFL98j1WPF45HJisLlc9eIOGZ8V7X2yS++T2KxURDZGoY/XvNz94eKurOIOCZ"
    "Q2mAZWhznxfdOCmpCBR9ypr6xYR0PYfFHIB5KTwakY/qC7yuCrpfL2y25PMZ/WU3wn6VqI"
    "d/NLWZy10v5VUwBKUuld+uD1sjvlOA5TQVekls1IvnuWKNxP/kbYKRMqVp2qyRXuINhdK4"
    "sW/iIWfDt1faYfUzQcxoSaEyHVgBs8AwZecP+iHYen/TPeDZwQLJcjIcTlyBXN3qBPxRtR"
    "jn3vCkdIG47JEeaZUeWgx1fIsLElPfbJWMjcfl0n5jx04S8qf4rhFsTp9ql/IywloWWOBC"
    "RkGHGfifg+cmWecLOtJPis2Cct/Gjhp43HamKBV2UNE0Qq84XSL271tAhcr6QUJPOFD7QM"
    "pMaS1jJQq2SgInf0YofmIg90lRxSOhEP8owHPps/yXGuxC/LtpHjUbq3ApQjZuZsIMWxUm"
    "H/NvgN7jpKaipYytx8J8UOzzESNfyc4bZ1/ZybmJCteClr3UBbnTUUUQbcEye3Mo283i0T"
    "+V3RYyuJdQw8m/uHpnwmLZfuUy7VVVO2GyMRLfaqCEcU6rrtq4SwDOKuHS+XpNowVE61dV"
    "0zHI6ateGL0zxp8KbMtky8rMdSx2jU4KnXih38+kff/4z64le/0zvrvTo5e3FydtEXnfuw"
    "RFINf/MbADq/5RZzwWX0O99/qyZ67po719E/DfAehyrs6FCFH0s/OkDlKc56UYCKIiJvkC"
    "PukydfuiiFnGzuVkgjN3BEz4rW7nfWDMzIkOZtRmYjcRg8W2Vy66KJzUbYtpfoaDiUnnh/"
    "968Mh8dIUAAVhLWE2deRXz4xYe1u+gZ9Cgaln/xkcGIFID4nhjW2DMSJix6x7YGnruAQ0H"
    "AIMA+H4r6YckSZYFLEsyDsgkXdRTZ5JHZJErnQ81D+kZdATsv9u5T7W+o66q93wUGv1vif"
    "KIw6USBnTrj2q6/nOImy9bT2xlHCfJmebyMfzCzq5ea8Ly1alkeusDFvb1BPmWP9ByJnco"
    "XdQojTZBranFVsUcFGuZZB1lnDucQa5vzNIuSVBnPiDBaEPNTcLXLpNdj5YE+Z56yNdJZY"
    "w1xShFnGwls5qqpqNZhj5OuVYFYM5xIQGyzAHKA2ECwa5Wvs3YX0Ci/1jhAHTbZA8plDp+"
    "dVIt09KBUDDA2bcbLJJGQHUHkWHCK+ak5MhMcucVSYAG7RvHx7FVKRxIkPLBWJfP4Ti6IF"
    "5ijYTU00JeKbOCLYsS0xN6tU/hi+lLn41zze2N6huD4wqwamjE8FhVQa1fg602QKf5N7Yw"
    "ICjGpKZikqDWwhsCNcW+zNodQAZwHWtqFiqLVtaBuxkbM5c9wb7BrTTl5UZKy5WxoPKTtW"
    "tAp9pETmTZbUaASjo7HDZhDZJwP6rmTw4dzGtIswNdGR5C3E3QX/YB77kYmea7BZTl6Vpg"
    "fPsd5oQ80+DTW7zmOtmB/4DjwI4fuuA3DYX2lLGHzw6E/5nS/XsX5dVsD5shDly6qhVSXL"
    "+ECqewicqZD5/gy3VLA4Bgmt1bA6MvmstTwUYyRqOCi2KuiHe7MZdnKC3oonJEaiJ6TxCb"
    "FcMqv1fawI1JiMddx3lZ0MnSNeu+BqgbstyYg+y4JOnRxZO2jplonZPOpTKYnpqpLR0adP"
    "X97dIu6NOHGPwUkRowW27RPDZsaDFJiR5WfnCT3FnnH0H8gqim6xL/1n0pc2NnqfxoouWT"
    "zKRuTnBBoOV4XShkMpsw+Hqfpew2FXiPcoXgD4Ge9Tyk6C6sAIvFbRxMOQvQjKBi+l6ycb"
    "A81s02K/WgWwSxWALtury/ammMA9MHtbSUjheHkru5jxDvvvnu9eQzUwdsjvXXEQiH30EQ"
    "ticGQCa1AXzRh1p/ZS8KpdFEWidpFHXQu8lw0m/hL/Qwx+wM2qx6j7Dx5yezXUOjEqlTeo"
    "ztu3V+/fd5E407G9jirnosJGdVFcjSyzSa3v6NyYk7NyZ0PD8hGsS+DT6p22EY3K63nNA3"
    "cLabYerPmgOHC61GMxQ7ueu+JakIc85cH6K5Jvhu2ZxA/dr1v2NkWpNV+NH6hCoF9nblJk"
    "emK2wekcWJn6DuQvfiQ1JyCgukL+/0qXn9flnXV55/2AvRUNhLijzK5eN89rmq4FOohts5"
    "86q0tH13Q+MHC1va7t9jrtFt3mWS9yi9YlfXVJX/URzfgS6JK+uqTv3kFVtqTv7Qxb9nvC"
    "OZbfXsbzJdHeLfN/IdBzMPO71og2kXTIZVAUy8yPGUl26dM+HQ5NYnpzAoWDIc8XfiA8yq"
    "NkuSgqAoaOwJlkThxwLRE/saxOZVhzS/zqSk8Th8xg/Th9Oo9iYGVHG+paAfvhdzQt8Wqu"
    "HEwA4YD/iuxm4uVxxYiUrzEdGyXfXMH+uOJR4X/fdaWyr8qNNXkq7ip/6/XOz1/1zs5fXl"
    "68ePXq4vJsdTRkm8rOiJu7X+CYSLBNP3ZqidZaHXVHkqoZZcd+J2P7qiXBcQomVPCptcIv"
    "klQttGv2LqpolkSvYqwvMrql3Zd5a7kCRJwatbTPYf8WLtjzXoX1et4rXK7QlA5EGUGgUi"
    "0rSkTSRogr7b/nJfvvec7+CxxJ3SpXCaJWIL1r18KpO7Nrw54g0rCvAbtl5LAZxYAH3dU1"
    "W3Ws11jsDyYWUonrYmM6kyKONRZCSsXA2l1PgZTJcrmQMvEmTtUiTmQnYk68mqGfNLwWD5"
    "gkahH4jbGBhxE+3pmLjSIspLl9p4/GnWoCtUkdz+I4ic5PnUkglVJGZXAtt+blkLfQpHe4"
    "Jrys5VYmZRzIMI66k50iPZhEiE9znjF3B8RxWI6dpvhMSlKpy/OueSBdVJKeL0qk54scxz"
    "jtAdMyX4gqHjAcZJH6Ux4j0/unavunIhkJPjAXChzJeLh/OGRMZFR9J8dOW9CzW2axpTGa"
    "wXxFVDmHAZgDnnFkTJklqH6COksOWwRFl/w4flBxQyC/b8G1OGI0a+LdaKQNcgDu3gCimD"
    "1vy7kAfI8AJuQB5uVsjyURXGnCw40TkkYeHi1cdyqWLiwjZDICpclctMC0Yjr0XccSad/O"
    "tvEzRb6dipx3Hz13xL699hzOnLxTLtFeerYx2XNgyK4VT7S34sgZg+4cwWR7M/GR+jloxM"
    "GE6YSgMYGE+Zijifhsj6ABpKTAr8gywe9IdDRtYh5nT7nGR9/g5JP/Zz7pYmEw7N86J5am"
    "7NTFh6D4OK38XC1lBo44VWtUlTs2b+jTS59eOz29/klGU8Yefia2BSJL3gGW7lJ6hi38zu"
    "AtDL0rZ5eTLrPy1Air6EL2t7CHn1kdUqkH4y6RzSYFjrd1R/F9c4MHP5E54Szo4ogupp/r"
    "fTgMrbdBYjiMHLIaxMAOvKg8FzmG3HRmSQK42AMFYtnKMpxOA1fqd9tFuYMxRzx56MAZjq"
    "n9c5Xzz82ZuooCfQ6ljqTJy8ayHzcNRWHdMSPjwyiRq8GzJ6la4R+27Wj7xH5fFecEkcow"
    "d4JDVhzEFkXysWUkS/Do+4dfO85kUdaOM8qfjdpx5gkYBLXjzBOcZ3CBWf/DziHX8638fB"
    "cxIYWHY4pKYY/oztv7+38g/1FD24M0MQSLtCIX2PDxqd3TduWetuL/19jM0rR6J1N5J9OO"
    "iMXf2WGaPhQvnRPYNT7H1KmdYvNHolu3igkkrqetZgUpXhC6aqxabmKekyNGFZ/8QXeVNW"
    "1rHvq9s6opNUpzatSrGFOWv6RtFWN2kMAk0rrXy1mfJDtgf0ffmelEOjNhOaCQNRwE7sWW"
    "2F7RURBAevqX45/QX6RtGdsVS5bs2v8xTChVM0I2SaWyQMgEH+Qb+QOB0IqyaO1HGtx9Es"
    "Q9Qh0mJNxDjHI7U9L7KEtsrdmcOS6KHlsB+xYR0lW9DDYrCpXZnc5iKh50cHp6irg1oZA7"
    "L3pwJcoDiNPn0WIeH9SfghxShT+Ada2MOwB9PYNJ4SBaAaWyAioq6ZLyFiqrlxUR6UJZ1Q"
    "tlmRaH9zcHDsG8poSXJW2dlLcVTbqfzrd+/GCGbksc6+Gph9LY4rkFPlXrwJsk1QhnENZF"
    "ZRqFUxtbiqFul7FFRxe1edYVjy76zNkbWz5VxqwWNnXLTGmci5uLXjWCiGw2sSg4C49taz"
    "J1rxBGI0eMQBwI2bEcYrjoaDiEEPe/PwtankFUjzh+iYlGS+liAuXeQOVl+Q6kmSCjxu8C"
    "IUjg5UKGw2PQPWNkCiHSIGjiYBoby79aPJT/N0Tcyj9fv7vr0zmzbY4WljvdOAhXGxO3YE"
    "zUObi36DoOFS8sM6/eS5n+LKJpIcjNa4lBdKlbWTNO07oY/eYhpozWM36sCFqo+u1dVtkm"
    "epfF+wS0pSvEmmQAIctizFq7RYZQA14J8JBRGniOVQfvNJ3CcHeABxs7soaw+SzDSlbz+H"
    "hRBXvoVuLz8SKDfsCU1t6203Sqoy+YascF817IhXNkgDeHGBxegaxVb7357d3n6wewl9TS"
    "hifJVJ+MkLFS61PQyrDiCThMtUgVZRj5NhfHCF9j1pOULZz1A5nlSlZdj6+n8OQ6bETZ+V"
    "VHu/kWUxMqanbyNZyr5u6PtJzToGflRLaMkhNYfQjOfqnyIyaUG41znAiPXaj2udJNSrVl"
    "F5FvvserKV1ZXfZAKM9LcbuVe2jto1raR60g2wF7L3UEdUWtBJFWkf0YZM3Haz5e8/Ht4f"
    "M0H/+k5nffhQ32vUc3wOhlJKMkwFl03zCHWBP6K1lKkO/EE+F8u1Eg1XwJhjkwcL+Hqye8"
    "Gn3NDl6sZI34ohLvLt6Y+D7Mr68/v77++bbzfT+iJqB+ZxLqWm5ujt5Ee7dM2AxeUHatnJ"
    "13Ve0EGwbzKGRfQZiiYJjlSq97hYbDo/BHFwXFrI/9jLr+UigppdLQ4Llpd+MSS1hjO51u"
    "V8udWu5s0Ngh8BxbEw9yV0Z2DxSWJdi/uNTe6vQpWxMaiuceIsPGVtXQ1aTd6eKiitnp4q"
    "LY6gRtqaB7KK1TB/sVgfLI+1WDFlNCof7HAnNkW/RhPUtr76LKuhe9SrDXigKtKLgK0q9J"
    "7fS6iRHjxFqa1NKk0h+ylia1NFkgTb7Bj8xz/OjcjCgZNXbL5Mhx2K2yCAmZQxBGMzIbEU"
    "f6ZQnWOE8cLO6YK9qFS1FmJtEy3T5lOs1YPUXGavf5j5Sb3IbDczX7otmXQ2Bf0rtAA5B+"
    "CoZpKaSxnU8ljvC9bMh1YwubSrlBf+Dq3muymvRiypBPyGWtvjCLHzrCti3r9AFaXMbDQj"
    "v8ukLkmxjbXsorbFxgTWhkbIjJDemGQ1k8cDiEjr7JgRP3x0zpKjPhb1CvT7OqmlVVfy9r"
    "Mava9uyoe+NY25oDVYsAB42oFgF2KQLE0zBvCOtNbKjD2giqIps6VFQTsA4UVUXlq58tPr"
    "fx8h7CYDo5QlaivVsmackXNP3uAz+spqrQJXv74ThTguSIvrOVlH6ecWQy5lyBzX6Gl4hP"
    "2UJ2DBvFNRCBjCkxHiD1kctyhK/G79GnIKwFCfh5F1HmTkGOE7iQUwRcqpTmPr+9PuldvJ"
    "RymctK7AVa6Nqj0KWkpvjwAI4AlZ9b7cCiJJWOLJLvXeYq51cCqQNxRKG0uxZswDKPHdRN"
    "gQ02vaVXwbv5pF2himVUM5luhk5Lljr3q9Z8yYOUPIpdf51ZT1JqvzfV/N4UyYbwgcFh8s"
    "4au50cASfWWireUNlvYIuOFeWazy4ejxEQQPWuwGsIHO3ZiRQvRpheSRkjuCCECSLkE4KG"
    "Q59ILOzhULQim9EJcZAMQsn6JW3xPhuIKVtWEz51gWU1c3U3zQRhC0/KQ980E47h/lzVZT"
    "bTZJrXLNC57+c8uiaOZUzzzqKgpfQcwlEfXbX3kFZf2W5eWESkWI4vriKilCC/pqZkK5Ft"
    "8FHVQDjo3kJ0t1KhzpBpt3L4keJCvTGS3Rfp3Q8P0lhp3b0eZt//H6Ye5cQ="
)
