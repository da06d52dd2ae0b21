"""Migration 14: check-in and no-show release, room display tokens, the no-show policy.

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
    "eJztXetz27ay/1cw+hL7jOw6cpS4zr13xk7dJrdJ3HGce86cqCNBJCTxmAJUgrSjtvnf7w"
    "IkxTdDypQE0fjiB4nlYxcE9vHb3b86c2YSmx//TIh5y+4I7ZyjvzoUzwn8kT3ZRR28WESn"
    "xAEXj205egLDhq4YJ4/jMXcdbLhwaoJtTuCQSbjhWAvXYuI+nQvEieEQF1kUYWRgm1ATO4"
    "h749Uw9PnmPTpYnYKbcxhIKXOBlppoRrBJHH54jD65zCEmwvLeJjPg5hadbu42A2q5HH16"
    "e3HU6798jRglaEEc5HHivEYOc7ELt0eWixxyDzzhyJ0RxGxT3OpYPKNHrT88AgybEjjlwJ"
    "N++R0OW9QkXwkP/13cDScWsc2EXCxTXEAeH7rLhTz2jro/y4Hi9cdDg9nenEaDF0t3xuhq"
    "tEVdcXRKKHGwS8TlXccTMqKebQcSDcXmP2k0xH/EGI1JJtizhaQFtf8A0bHOcPjx+nb46e"
    "p2OOxkZkFIEZNYcMhgVMwgeFQu334qHuGo9/zFqxdnpy9fnMEQ+ZirI6+++beOGOMTSvZ8"
    "vO18k+exi/0RkscRU+XMHc4wn2WZ+2aGnXzuJqlSXIbHT3M55Km6bJ7jr0P4DqbuDP59+a"
    "KEp/93cfPm7cXNwcsXh+KGDL52fyX4GJzpyVOC7RGb4UsUrBhiN8vmn+CMa81JPquTlClW"
    "mwHpcfjHOowPD0Scj1aubbAeXtC8pvYyEHkJ62/ffbj6dHvx4Tdxuznnf9iSfxe3V+JMTx"
    "5dpo4evEyJaXUR9M93t2+R+Bf9+/rjlWQv4+7UkXeMxt3+uyOeCXsuG1L2MMRmbHaGR0Ou"
    "JaQulsVhrWUrRvH9tUv9r6qBxUtsB5O72NolDoyxcfeAHXOYOcN6LHedE4zNyuGaklsGP6"
    "Qw3sGzY2qQHOYHKsHn4CJ7JYRv4RwLj0b3d/DDap+NTz14c3hf4vq7wMWnNxc/XXW+JRif"
    "5LM4Ne/N00cwxVP5vuLJxHMEfLwhE/jIZoWqV+J8qfbl+CPrKWAUsQUGyaCAGknqLuKhlo"
    "NiSs4xupFqDahLd4QsfI1mgueWvQSNhwDXEJsgnNW/NnGXAZU6FpDLiyW0rIcZs0MarWop"
    "qGr5oqmjZkUUzahY2Z1+dzrW6csKOtZpevOOdCxxKqljaVVWq7Jald2QKku+Liy42hpST1"
    "K2UOp7IuWQJ6ViDtSLNcScpGxAzMGs1FLegJSl2riWlBOUWsoqS1kB78Ou9+NN+B++51P4"
    "Gcw7a0p/JcsNexXU+FQa9it8x6HTnA9Ccj3H9xBKo9jnIF6omquhmJfaNlfLNidzbNl1zM"
    "YVgboWY8fAnBxNmG0SM+2eqmI69vpVbEcYVWg8ynNJ63ECNx7Kf2owO0G0KVfIdnemJKdP"
    "Tqpw+uSkmNPi3LeUKm8XMPmKevPM3pRS5u0t87ozJ/Oxv/LWmeLYnFv0HMlfA/E2k8k5kr"
    "8G1L/iOYpduaZcnlfxUT0v9lE9z/ioLLCDDde6z5HMJQOmY1qwjsfpUlIZA+GmxBIuQ9tV"
    "tS+vr98ntOzLd7cpHn/+cHkFvJesh0GWr1OEC33E8AXm/IGBslDXL5ghXOtb2I550xkbzn"
    "LhvpakcAGGbDa16FpTvtJS9LxkKXqeXYp8H+s9qE3ieatrLxm67VklJ3Ul4M0XMiyDBHKG"
    "wDMvESdcPDjCLmLhKrslTSfifX2u74Tfz5VWHLX3+2l7v72FuabUk5Ra6qpIPceDJp++Bt"
    "wk7k9NoxBSql1A//OvN8SWUf5ib1Aa+7Bn06HIK5T4nPDCGt6R5SM5dbGwfiXLtvIItPo7"
    "uMgjeXTpX6WtTOLEscgjWfRpdY22cKiW2zTmmlkh2YsZGgLmvs/WBHxeCSupGcbWcDEHC1"
    "SOkzlauordzPFF8vugttsZWQH+OeIz9kCl0SEw+vYyDjUT5+/Iwj1Go9ECdi7r62iELJNQ"
    "14L3Eqg0kTJgW9zlx2mTZYO30R5xtTzidX20LXbPbsQn4n8TtTxSKwp1Yw7rcrhxRyusnL"
    "VdfnGa1rG4eSAgN9giT/n630/XH/MZHFGkDWHLcNHfcjfYWIDhvyYeNSTCeuxZtmtRfizu"
    "9z81Qw5N+LcFhxI2cMjmgw8X/0pL4M3768u0cSsucKk9Uy33UVTxTIWyGy/rQX0ydGu5eh"
    "VT3Jt29ioEelWM03vyBVXCydmYu0OPr7V0pmm1pFWWtMa9PgUpa9yrxr1q3GuhU9IzLffq"
    "nsjnzjomo7PdUuekGDckYuDmobBfOsJr6C79CQTngn+Bub/XcgpeWtOn4hf8sdc7PX3VOz"
    "l9edZ/8epV/+xktQhkT5WtBpfvfhELQmI1/773sP4Ou03jc6vyaK/tCd87c4b1t9sM3YZs"
    "z/1zx6d5G8SA1mFvklRb90UshpcltZD/KbItQqQ35ancAuwfG2G0uAab8+PLLah90LwvPq"
    "UgVc5iSZK1MHZ32qtSZqJXXGaiV8DqWktygkavxdm1eEwmYD7WiSVFFI+KJSnG120HjfDE"
    "zbPli9m+ItBcX5/rDoHX5m7uGlK8WCepWqd3PO+dVQEB9M6KUQDi3CMrxjXnaLn0LNv0Xz"
    "/jZlmd65Y5WcbBKJ1svI+2XLFzxABR1/nww/Gtw6Q0r5xp1Npmk4qFD+5PRmvxOE6jMp87"
    "7y4+XiDxpF1EjqfH6Mpz2IL8cEkce71kyubtPHgeCvcfzpjn1IJeZQj3QH/r/DWAbZEOxO"
    "r5ZdA5OTs/ORnAsEGndyL/FN7/4+Pjb2HiK7Yf8JIj8a7VxLVtxU8nYzawsUbs9INq68Tz"
    "k5Q6nq9yPF8DG4s/qPYGl3TKbduknvOxr59ya9iMe85jc//e+FfZwzlQKT3SYWz+2HRkuE"
    "Sb2LNJj084m3IcPrGJVuzvic/pahl/oYcIHTBHNuMREheV4i33UCTgiSsSE5meYBYajb5w"
    "FztuV9QoORyN8tP7GrhmFUhPeJvAnSkvUhPOox1Rj3RECcnWC2TFKNQFbXR8azBqijCOuV"
    "u3b6X4U7umErMiaqH+sr/6SlZNhVWvrmgDEi1YpQULOjavh1iJKFoXm9uIL1nb9cXc308L"
    "r4pdn9L7KuodKSqdpfH9LI240vPITI14uHrPmFw1WyM1wVTK2PgZFrsCszI81S3vUCsH1T"
    "ArgVuuw2wbzLx7ZuCxZ2NnKUxAaQqG10MHC4f9hwg4bBcUbcslYwYvK0Myh/m2ZVMX1ogG"
    "tQxJjWgIFKUXVfSkF8Vq0ouMlqQRDc3X4VnL4yxdH/G19HFO1djSvWdC2YlvVfqhc3bA0D"
    "9d0iI0dIJvOEcxpUEYeIENy11qn6beinayWmpw3b45RCY2Yzlg/MIlYTVeZ5TkFGoP19/q"
    "/IyTaA9DXpYOY3fyVbPaT1nzkjiZ7l1SvXeJSPjwq0gtwCC+xzlpqqV8z6XfogBWR/ZWAv"
    "GHy/D+lnwtWEhSZC0IB5Q5oK/+dZtgdwYou/I/v7/++Es4PI2e1UDZDS/cwjTh5I86Tvck"
    "lfLNd8bLoPFO8ODowYEv2wcCCCvwGfePIJsZd2n/5HYEIZRIvsAUeAp3MnP8CIXSyCNVVy"
    "Q2o1PC3ZUo2GQlBnQg6oILaWHYo63plDiH5zDQg5dCnGDHmPkOFg0oV0eV3JMIpAaU68Cz"
    "BpQ/EakXAco13EDDDRSLjXRrwA1uYM7fvHtzW4Y30GEp3VVLd9VqVXSzBOaT+jDLY53DWn"
    "ifWjHPL/IGcmIET/N7JgwanAkWtjBfQAdBtxoETQqhajgpQaR1njyP/NYTZtrI0RItcrW+"
    "PE6DbFnWYlp7jE2qfKBqIqocbRyP5Gr7dMM0Y5NLYG2tfJMqQqhz5lUTi9TRkmJiMc33+y"
    "jgiwCRy5xMhic6+Hz75vAY3T4wgeedWM5c+N6DywtH7ypplAp3PGLww8aL87RLdyM3GVDh"
    "ZhYb4xhzGEEmHve7TR6Qr4btiRgRiuYB+iF0QXcRJ0T6qOfW1JHaLS8EG3/pcOY5/rdCvr"
    "rEodheqTkJdSj2qQYprl30pcMe6Kr4deywToLdga7kWm4eoqGsnpWbi2XQuKYCXJOOou8o"
    "iq4zj1scxdKZxy0VLHyArpfjfhM70hX15hltPf35BtQqb0+dBcxFEOg5Cv4Y0JWadx5pfA"
    "PqEJEIJg6Gf8FI8eIiiQxGhn+mlctK+SSNdx32Paf1PAQJGnWLauzM58IMw3McAnIeigUq"
    "f83LZ20Oadna1wirG/k6AhuGCEMHI3+GoOhtqk32Ei6LdS7T69Qg8v6hkpzhc3Fx0Tza/e"
    "3w3ME0xmtkzDCd+ugy+AvWnIeZZczCpFX4brtIzCDxE+wCMCNXC7B69Ucjq7WqsRNRrLWd"
    "KIZi2lA+YfI7itwBNficImsfszdiWbazSEvnYbZcqTs/PErF6Vfier+E6/0s1zU4u1EFR7"
    "dw3wJzNdazLag/jfV8ilKvgvU0ZsQQTdotus7nnibeGww/qAuEIs7mRMTEgvdAVTtW7K/8"
    "s599PKxWcRONk2iAhoa8aMiLmsiMIshLBMvILAQNMPUzJwo5zRtnanzxUwrs8s4k8wVzCT"
    "WWIKxODuYlNaJbBn2xorGiJXZ1CAwBNsNW6ieNPljuTOJDODwJguuI855DuTw4sRzuwhEO"
    "goS9l7ugZYXeW5GuKfAq2Zp4G7pHLmIl1m+dG2whZz3cIYNZ0eiTbaJPYlKpyNkYhd5e88"
    "qth5O7sos7JFA6YBpEHRbEx6YFLeoCRNyx76xYx0PYfI+6O5JTdKeY/cFwlZmvlsvb7wI8"
    "w3xWz/GdpGshv5ufyrDXyvhXTQMoSaVX6b33y25V49hPB12RWzZj+e7YonBv/IWwU2ZUrA"
    "ZVsyvcYbC6VjYt/EkMejt1faUfUzQaxYyaI7BqBAyeCQUetH84j8Pd/hnvBiAEy+UIjLgc"
    "u6LZGwwovBHl2EdXOGBtOCZHmGeuKi96eI4MG1sSsU8mYHP7rXiYc9cVf1H5L1zugTjdAf"
    "VvhKUltMyxgMCGgftM4fvItXnCxbaS4bNSn7Txo42fNm6riQleVTVMEKmsF0pc3OppkYBe"
    "SStIlngeahtIjSmtbaBW2UBFcPRiQHMRAl0lQEon0kGe8QCzGbaR565l28jxKN1Zz8AxM3"
    "MWkOJcqXB8G3CD286SmoFKSZxagOcYiRo4Z3HbujjnJgSyEZSy9g20FayhiDPglji5zUTk"
    "8W6Zye/CiI0U1jHwfOFvmvKZtF26S7tUN7rYbI5ENNmrcjiiUBe2rxKHZRJ37Xy5JNUjU+"
    "VUm9c10+GoWZt9cZonzbwZsy0TL+up1DEaNXTqtXIHv/w18D+jAfw36PROeq+OTl4cnfQH"
    "MHggpkjqxI/+CcE6/8wV5qBlDDrffq9mem5bO9fZPw3oHvtq7OhUhe9bPzpB5SlKvShBRR"
    "GTN6gRd+PJly4qISdPdyuUkRs6MLJitPu9NRdhZFHmbU7mY9gMnq0quXXR1GZjbNtLdDAa"
    "SSTef/tHRqNDBBSCSqS1hAWzkd/xLhHtbvoGAyoCSq/9YnAwAxBfEMOaWAbixEX32PYEUh"
    "c0BDQaCTaPRnBfTDmiDJQUeBaEXRFRd5FN7oldUkQuRB7KP/IKyGm7f5t2f0uho/58Bw16"
    "Ncf/RmHWiQI1c8K5X30+x0mUbYG0M41SyMv0/Bj5cG5Rz80r5l7aZyqPXOFg3s5YPWOO9a"
    "fInMk1dgtZnCbTrM2ZxRYFNcq1DLLOHM4l1mzOXyxCXWm4IM7wgZC7mqtFLr1mdj6zZ8xz"
    "1uZ0llizuaRvrsyFt3JcVdXa5sbI1+uaqxifS5jYYM/cgGtDUNEoX2PtLqRXeKp3wBw02Q"
    "OSzxyCnleFdHfgVAx4aNiMk8cIIXsBlaXgEPiqOTERnrjEUUEA3KJ59fYqlCKJE+9ZKRL5"
    "/EcWRQ+Yo2A1NdGMwDdxQLBjWyCbVSl/LL6UBfw0Dx8d71DcH5h1A1PGZ0AhnUY1vs40mc"
    "Lf5M6UgIBHNS2zFJVmbCFjx7i22ZtDqRmcZbCODRWzWseGNpEbOV8wx73ErjHr5GVFxk53"
    "S/Mh5cCKUaFrSmTdZEmNxuLqaOKwucjskwl95zL5cGFj2kWYmuhA6hZwd9AfzEM/M9FzDT"
    "bPqavS9MVzojc6ULPLQM2261grhgPfAoJQfN91GByOVzoSJj549Lf8zpfrRL/OKvD5rJDL"
    "Z1VTq0qm8Z509wA+U7D5/g6XVBFxDApaqxF1ZPJZayEUYyRqABRblfTDvfkcOzlJb8UCiZ"
    "FogTQuEMsl81rfx4pADWGsA99VVhi6RryG4GqDuy3FiD7Jhk6dHFs7ONMtM7N5NKZSEdNV"
    "J6ODm5vP768Q98acuIcCpIjRA7btI8Nmxp00mJHlV+cJkWLPOPpTVBVFV9i3/jPlSxu7+o"
    "DGmi5ZPKpG5NcEGo1WjdJGI2mzj0ap/l6jURfMexRvAPyMDyhlR0F3YCRQq2jqYVG9SLQN"
    "XkroJ5sImvljm/1qF8A2XQC6ba9u25tSAneg7G2kIIXj5c3sYsU7HL99vXsN18DEIX90YS"
    "OAdfQeA7EAMoloUBfNGXVn9hJ01S6KMlG7yKOuJdDLBoO/4LfIwQ+0WfUUdf/BQ22vhlsn"
    "RqXyAtV5+/b8w4cugj0d2+u4cvoVFqp+cTeyzCK1PtC5MZCzcntDw/aRmJdCT6u320Y0Ks"
    "/nNTfcDZTZurMWw+LE6VLEYoZ2PbjiWiwPdcq9xSuSr4btmcRP3a/b9jZFqT1fjW+oYNCv"
    "I5sUmRbMJjSdPWtT3xH1i+9JTQEEVOfI/610+3nd3lm3d94NszfigYA7yurqdeu8pula4I"
    "PYtPqpq7p0dE/nPWOujte1PV6nYdFtlnoRLFq39NUtfdXnaAZLoFv66pa+O2eqsi19r+bY"
    "sj8QzrH89jLIl8T5bhn+hYiRw7k/tEa2iaRDLhNNscz8nJHkkAEd0NHIJKa3IKJxsKjzhe"
    "8Ij+ooWS6KmoChAwEmWRBHQEvgXyy7UxnWwoL/uhJp4pC5mD/OgC6iHFg50BZ9rYT64Q80"
    "LXg1V14MGOEI/IocZuLlYcWMlC8xHxslX11Qf1x4VPHbh65UxqpcWtOnAlf5sdc7PX3VOz"
    "l9edZ/8epV/+xktTVkT5XtEZfvfhHbREJt+j6oJZprddwdSapmnB27FcbmXUugcYISCnpq"
    "rfSLJFUL45q9fhXPEowq5nU/41vafpu3ljtAYNeo5X0Ox7dwwp72KszX017hdBWn0okoY5"
    "GoVCuKEpG0kcWV1t/TkvX3NGf9FRpJ3S5XCaJWcHrb0MKZO7drsz1BpNm+BtstI0fNKGZ4"
    "MFzdsFXHeoNhfTAxWCWui43ZXJo41gSMlIqJtdsWgbTJcrWQMvMmTtUiTWQrZk68m6FfNL"
    "yWDpgkahHzG1MD9yN9vLOAhSJspLl50EfjoJrAbVIHWRwn0fWpMwWkUs6oDF/Lo3k55C0M"
    "6e1vCC8buZVFGYcyjaOusFOke1MI8WnKGXN3SByH5cRpivekJJW6Ou+aG1K/kvXcL7Ge+z"
    "nAOI2AaRkWogoChgtbpL7IY2R6/VRt/VSkIsFH5ooGRzIf7jeHTIjMqu/kxGkLRnbLIrY0"
    "RjNcrIgq1zAQ4YBnHBkzZgHVa9FnyWEPQdMlP49fuLhFIr8fwbU4YjQb4n3UlR5RA3D7AR"
    "DF4nkbrgXgIwIY2APMy1keSzK40oT7myckgzw8mrjuDKaumEbIZES0JnPRA6YVy6FvO5dI"
    "Yzvbps8UYTsV2e+uPXfMvr7xHM6cvF0ucb50b2Ny5NCQQyvuaG9hy5kI3zkSwvbm8JH6NW"
    "hgY8J0StCEiIL5mKMpfLYH4oSwkgJckWUK3BEMNG1iHmZ3ucav/oidT/7OfNLFxmA4vnUg"
    "lqbi1MWbIHycVn6tlrIAR5yqNa7KLYc39O6ld6+t7l7/JOMZY3c/EdsSJkveBpYeUrqHPf"
    "iDBVpYjK5cXU5CZuWuEXbRFdXfwhF+ZXVRSj247hLZbFoAvK17FR+bGzz4kawJZ4khDgwx"
    "/Vrvo1EYvQ0Kw2HkkNVFDOyIF5X7IseiNp1ZUgAu9kCBWbaKDKfLwJXibrso92LMgScPAZ"
    "zhNTU+Vzl8bo7oKhr0OZQ6kyavGstuYBqKsnXLiozPRsm5Gjp7kqoV+LBNZ9sn1vuqfE4Q"
    "qczmTrDJwkZsUSQfW2ayBI++e/Zr4EyWyxo4o/zeqIEzTyAgqIEzT1DOAgKz/oedQ67lrb"
    "y8i5SQws0xRaUwIrrz9vb2N+Q/ahh7kCGGYJJW1AIb3j41PG1b8LSV/r/GYpam1SuZyiuZ"
    "BiIWf2f7GfpQvHVOENf4FHOndorDH4lh3SohkLiftloUpHhC6K6xasHEPCfHjCre+YPhKn"
    "va1tz0eydVS2qU1tSo1zGmrH5J2zrGbKGASeR1r1ezPkm2x3hHH8x0JMFMWF4QbA0HCXix"
    "BcsrOggSSI//cfga/UPGlrFdsWXJtvGPYUGpmhmySSqVDUIGepAf5A8MQiuqorUba3D7RR"
    "B3yOqwIOEOcpTbWZLe57LkrTVfMMdF0WMrEN8iYF3Vq2CzolBZ3ek8zOBBh8fHx4hbUypq"
    "50UPrkR7ANh97i3m8WF9EeSQKvwBrBtl3ALT1wuYFF5EO6BUdkBFLV1SaKGyflkRkW6UVb"
    "1Rlmlx8f7m0CGY17TwsqSts/I24kn3y/nWzx/M0G1IY90/91Cat3hhCUzVOuxNkmoOZzis"
    "m8o0yk4dbClmdbuCLTq7qM1SVzy76CeLL2y8vGV3JDe2ljjfLQuqSY+Z6Q8fumJ85ZIPcr"
    "R02grwiLyigI+IHB646DOOTMacc5GqOsdLxGfsQQ4MT8IxkTZkzIhxJ0DILku7CDZxjwEV"
    "eUqB35l3RdL9TDgpgC/kGImJKhOZPr29OOr1X4qEJe4yhxQmHulo4Q6jhUp2ydk/BsdL7s"
    "PnVruXY5KqdXnhzTt//QBYTc9jQKG081cswFQstCJcKBbYtby+jac56FaP2uTRym+jJo9D"
    "7mHVX0fqSUrtulfHwlEKRfiRic3kvTVxO7kl7lZnS80bKscNbRhY0a755OLJBAkCAVpBcz"
    "Ify3p0lB1J82KM6bm0MYIDYEwQsE8IGo18IpjYo5GoWmczOiUOMphH3WxJhQ3eR90yeE/d"
    "YFlJru6imSBs4U6574tmIonFl1VdZTNNpnXNgiauu9mPLohjGbO8vSg4U7oP4WiMBqvv0+"
    "wrW80LY2fFdnxx8EwpQ35dFHW/XwVF3e+XtCbsZ2oUwEdVg8PB8BZydyPALLijaIyb5XAx"
    "Pj1Gsn1s+m50kMYQ5TvdzL79P+Tutos="
)
