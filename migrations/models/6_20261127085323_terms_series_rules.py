"""Migration 6: terms series rules."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "terms" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "campus" VARCHAR(100) NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "holidays" JSON NOT NULL /* [{"start": "2027-04-05", "end": "2027-04-09", "name": "Easter"}] */,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_terms_campus_0740a0" UNIQUE ("campus", "name")
);
CREATE TABLE IF NOT EXISTS "booking_rules" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "scope" VARCHAR(16) NOT NULL /* global | building | room */,
    "scope_id" INT NOT NULL,
    "max_duration_minutes" INT,
    "horizon_days" INT,
    "min_notice_minutes" INT,
    "max_bookings_per_week" INT,
    "max_hours_per_week" INT,
    "updated_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_booking_rul_scope_066e37" UNIQUE ("scope", "scope_id")
) /* Limits for members' bookings, globally (``scope=global``) or for one building or */;
CREATE TABLE IF NOT EXISTS "series" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "rule" JSON NOT NULL /* freq, interval, weekdays, monthly_by, start_date, until | count | term_id */,
    "start_time" VARCHAR(5) NOT NULL /* HH:MM, local */,
    "duration_minutes" INT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "skip_holidays" INT NOT NULL,
    "excluded_dates" JSON NOT NULL,
    "added_dates" JSON NOT NULL,
    "status" VARCHAR(16) NOT NULL /* active: active\ncancelled: cancelled */,
    "source" VARCHAR(100),
    "external_id" VARCHAR(200),
    "content_hash" VARCHAR(64) NOT NULL,
    "version" INT NOT NULL,
    "created_by_id" INT,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "owner_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_series_source_eb05ec" UNIQUE ("source", "external_id")
) /* A recurrence (RRULE subset) at a wall-clock time in the building's zone. Each */;
ALTER TABLE "bookings" ADD "occurrence_date" DATE /* the date of a series occurrence */;
""",
        "downgrade": r"""
ALTER TABLE "bookings" DROP COLUMN "occurrence_date";
DROP TABLE IF EXISTS "series";
DROP TABLE IF EXISTS "booking_rules";
DROP TABLE IF EXISTS "terms";
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "terms" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "campus" VARCHAR(100) NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "holidays" JSONB NOT NULL,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_terms_campus_0740a0" UNIQUE ("campus", "name")
);
COMMENT ON COLUMN "terms"."holidays" IS '[{\"start\": \"2027-04-05\", \"end\": \"2027-04-09\", \"name\": \"Easter\"}]';
CREATE TABLE IF NOT EXISTS "booking_rules" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "scope" VARCHAR(16) NOT NULL,
    "scope_id" INT NOT NULL,
    "max_duration_minutes" INT,
    "horizon_days" INT,
    "min_notice_minutes" INT,
    "max_bookings_per_week" INT,
    "max_hours_per_week" INT,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_booking_rul_scope_066e37" UNIQUE ("scope", "scope_id")
);
COMMENT ON COLUMN "booking_rules"."scope" IS 'global | building | room';
COMMENT ON TABLE "booking_rules" IS 'Limits for members'' bookings, globally (``scope=global``) or for one building or';
CREATE TABLE IF NOT EXISTS "series" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "rule" JSONB NOT NULL,
    "start_time" VARCHAR(5) NOT NULL,
    "duration_minutes" INT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "skip_holidays" BOOL NOT NULL,
    "excluded_dates" JSONB NOT NULL,
    "added_dates" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "source" VARCHAR(100),
    "external_id" VARCHAR(200),
    "content_hash" VARCHAR(64) NOT NULL,
    "version" INT NOT NULL,
    "created_by_id" INT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "owner_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_series_source_eb05ec" UNIQUE ("source", "external_id")
);
COMMENT ON COLUMN "series"."rule" IS 'freq, interval, weekdays, monthly_by, start_date, until | count | term_id';
COMMENT ON COLUMN "series"."start_time" IS 'HH:MM, local';
COMMENT ON COLUMN "series"."status" IS 'active: active\ncancelled: cancelled';
COMMENT ON TABLE "series" IS 'A recurrence (RRULE subset) at a wall-clock time in the building''s zone. Each';
ALTER TABLE "bookings" ADD "occurrence_date" DATE;
COMMENT ON COLUMN bookings."occurrence_date" IS 'the date of a series occurrence';
""",
        "downgrade": r"""
ALTER TABLE "bookings" DROP COLUMN "occurrence_date";
DROP TABLE IF EXISTS "series";
DROP TABLE IF EXISTS "booking_rules";
DROP TABLE IF EXISTS "terms";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXW1z2zYS/isYfYk9o6i2Yjup0+uMnToXX5P4xlHuOrUyEkRBEs4UwBCkHTXNf78FSI"
    "rvCqlXisEXvxBYEnwWAHefXQBfG1M+JKZo3ZKRTcSkw+8Ja5yjrw2GpwT+yCxvoga2rLBU"
    "XnDwwFQCtlez58iqqggPhGNjw4HSETYFgUtDIgybWg7l8mmNC4a4hT+7BPnSSEk3kXC4TY"
    "YIC0QdgT68uXjaPj1roVvuYCmL7gmxBHImBO48pebsJdzAFQTxEcLy0UNuwLMpG2/sKV1m"
    "y2ogrm4GJQ/w26v9OOFmINOSzXEZhccDNGMC5TY06u4TXKZsSL4QEfxr3fdGlJjDmB7oUN"
    "5AXe85M0tdu2bOa1VRvumgZ3DTnbKwsjVzJpzNa1PmyKtjwogtGwzXHNuV2mCuafrqCxTk"
    "tTSs4jUxIjMkI+yaUqdS2mtAeK3R672/6fQ+XHV6vUZK34FERDn+JYMz2VegqUK9/Vg24W"
    "n7+OT5yYtnZycvoIpq5vzK82/eo0NgPEEFz/tO45sqxw72aiiMQ1A91aSBfTXBdjayoUQC"
    "XWh2Et0Ay0XwBhd2hO8Uf+mZhI2dCfz77GwBmP+5uH315uL24NnZoXwghwHtjff3fklbFU"
    "m8Q3zVkOhNsJiUwTgutR6cd9uNYzCfnRSA+ewkF2ZZFIfZsImEooedNMy/QYlDpyQb6rhk"
    "AuqhL9oK/lhPBw+/AduAHl5weMNgyHoqXwB95/rd1YfOxbt/y8dNhfhsKvwuOleypK2uzh"
    "JXD5KjYX4T9N/rzhsk/0V/3ry/UvBy4Yxt9cSwXufPhmwTdh3eY/yxh4eR3hlcDVCLaZ18"
    "sSjcbQmtxyVrqPU90XKAyUI1++bFEmqOS65BzX6v1FregJaV2biUlmOSWstV1jI4DXavlC"
    "Ufkfi+Ob8HM/M6LHrpI43uMw16CVca3dfg3tEx+53MFMjX0CLMDJIBqu/tfvRvs2fgfgt6"
    "T3A1HM02fpw7ldFOBe8Ob0wczyS/+PDq4rerhkJ4gI37R2wPezGoZQlv88SVed100bQ9TV"
    "7BDI8VOPItZJujqGdwD4E28jkH+ULFqIZ8LLVvXi3fnEwxNcu4jXOB6nqMDQML8nTEzSEZ"
    "JumpIq5j+7SI7wi1cp1HVRb3Hkfw4J76pwTYMaFNUSHb/TLFkT46KoL00VE+0rLsW8KUN3"
    "NAvmLuNPVtShjz5paxbkzJdODNvGW6OB5OKTtH6ldXvs1odI7Ury7z7niOIncuqZfjIhzV"
    "cT5HdZziqCj4wYZDHzI0c8kBdMxy5vGoXEIrAxDclFqCaWi7pvblzc3bmJV9ed1JYPzx3e"
    "UVYK+gh0rUsymCiT4E3MJCPHIwFsryginBpcbCdtybxsCwZ5bzUonCDTgy+Ziypbp8oano"
    "eMFUdJyeijyO9QHMJtne4tZLSm57XslRWQ24U0uFZRBhQ0SgzTMkiJANR9hBPJhlt2TphN"
    "iXR30neB9X2nDU7PePzX671nBJrccltdarovUMBk21PkX35LMTUT41mYWQMO18+de/3xJT"
    "Rfnz2aBk7sOedYc8Vig2nLBFe/dktiJSFxb9nczqihFY9fdwkxUxuvTuUleQBLEpWRGiD/"
    "N71AWhTdKm/qDLIE7D4ZhPnUYH/vcTtToTAjY02E0OogKJCX9kypB+CT/NWTR9SpbfE8tp"
    "oX7fgtmYfun3ER0S5lB4L5lphShDJhWOaCXN8A0+RrO81WJ5y/KONaYcN+Lne2OiFMsyl6"
    "guj74swmsnD2HmLE1jRWVqB/H6k9uEwa0sg+JfH27eZwMcSiSdO2o46G/1NdgYaf7LyGWG"
    "yhoeuNR0KBMt+bxfS9Lo6+BsJUIxvy6A+eDdxR9JDbx6e3OZdNjkDS4121Jzv7sI2xLobj"
    "Arl76SkluKvqxYRtK6CcwKJXJWDOk9GUGFcr9MLJyeK5aaOpOyWtNV1rTO5fwRtKxzOXUu"
    "p87lzCUl3SF1rh6IaneamAxLmwvJSVmvR2TFzad33jUka+jMvA4EZf6/AO6nUqTgJR3/KL"
    "zgz+32s2fP20fPzl6cnjx/fvriaD4JpIsWzQaX1/+UE0JsNv8+e1j+C7tN53Or+qiv7wnj"
    "ndu98p/blNyGfM/9o+OT2PoxoGXgjYtq7z4PYnhZUiqbPSG2xbTfTTGVW0hlx0YQWC4Bc3"
    "Yougbr+dfPxScMpMIrM+JiNYzdPWsX2Tqhnb91QjsH6lJTckxGz8XpuXhARuA+loklhRIr"
    "xZIqhuu2g0Z45GT58vmwzwU06sujbhN4beFkziH5k3VcqnZ2x3H7RZEkgPaL/CwAWZbBXO"
    "2GaLl0qTn0Xj9Fs8zLmotIloFfSy+g3UdfLp8cMUDVZQZ+UL92OSnrN8501tpmF8pKDu4v"
    "zkphHJWpMs6N64v3F0i2tIlIa9xCV67NLfLTJbHN5RYIrt/Pg/YweH5vwl27VOpVSnAP7L"
    "fG1y58FllXzp533cbRi/Ojoy5U6zbaR+pPyf63Wq1vwWJObD7imUDyXYupa9uGn15guIYP"
    "awinF1RbJp4fl9Tx/CrH83ViY/6Aqm9wSS8jrZvWMwb78stIDZML1151Pdsr7y572AcKLf"
    "mzOZ+uusQWblEneDbJ+AS9KYPwiXS0fL4n2qeLrfgLGCJ0wG0EjguSGpe7n1PnUC7Ak3ck"
    "QzR0JVio378TDradptx347Dfz17et4Z7FknpCR7j05nqJiXTeTQRtSIRJTVbLpAVkahu0k"
    "bD8wbDjf4HEbp1+16K17VLGjFzoRraL/trr6TNVJj1yqrWF9GKrbRiwcYW5TJWQonaxeY2"
    "wiVrvz4f/f308Ir49Qm7r6DdkZDSqzS+v0ojavSsuFIjGq7eM5CLrtZIdLAqrdh4DZNdjl"
    "sZFDUXuZUjr1IJtxLQcmxumuDmPXADD1wT2zPpAipXMLgfOrBs/j8i02GbYGhThww4vKwK"
    "yRxm+5brurHOaKiWI6kzGnxD6aSInXSSbyadpKwkndGw/n14lmKcFfURnUtXI1UjU/eeKW"
    "Un3KrioTO+gAE/veDYy4AE3/AaxYQFYWALG9SZaU5Tf4p2Mlvq5Lp9I0RGJucZyfi5U8K8"
    "vl5RkrH5eDD/FsczKqIZhqxVOpzfq1dNWz+LDuSIiunzOIqfxyEXfHi7SFngED/gjGWqC3"
    "HPlN+iAuZX9lYD0calsO+QLzkTSUKsBuGARQT01R+dGNypRNk5//z25v0/g+rJ7FmdKLvh"
    "iVu6JoJ8LkO6x6Uqf6DMYOYfJuM3HD3aMLK9RADpBT4R3hVkcuM+yU9uRxHSiBQWZoApPG"
    "mYwSPkaiNLtLoqMTkbE+HMVcFHczWgA7kvuNQWhm80HY+JfXgOFV14KSQIto2JR7DohPLq"
    "mJJ7EoHUCeU68KwTyn8QrecllOt0A51uULHYSLNEusEt9Pnb61edRfkGOiylT4rSJ0XVKr"
    "q5IM0nMTAXxzp7pfJ9SsU879QDVMfwW/MpFQb1S/yJLVgvoIOgWw2CxpVQNJwUE9I2TxYj"
    "v/UFM3VEdIEVOZ9fVrMga7ZqMWk9RjpVdqJqLKocfjhWRLV+tmES2PgUWNoq36SJENicWb"
    "uJhebogs3EIpbv97OAL/yMXG6nVniig4+dV4ct1HnkMp93RO2p5N7920uid75olEk6HnH4"
    "YWLrPEnpbuQhXSZpZvlhHGABNcjIFd5pkwfki2G66pD5sB+gnwIKuokEIYqjntKxraxbkZ"
    "tsfNcQ3LW9sUK+OMRm2JybOTFzKDJU/SWuTXTX4I9svvl15LJeBLsDW8mhTlZGw6L9rJzM"
    "XAad15ST16Sj6DuKouuVxzWOYumVxzVVLAxAx82g3+QX6Yq505S1nhy+vnSVP08NC/oiKP"
    "Qc+X902dzMOw8tvi6ziVwIJi8Gf0FN+eJyERnUDP5MGpeF1pOs/dRhjzktxxDEZKq7qcbO"
    "OBduGK5tE9BzT05Q2XNeNrQZoovmvrVAvZbR4fswRDo6GHk9BIVvU6yzL0BZznPJrjt3aI"
    "rawaHEUjNNxRJctnDke9RTLIFzQqx+YG/E6ajn/h2Nx8ls/iX8aaWv32kh1E8XoH6aRl3n"
    "7a7126dP994CuDoNsC4JYToN8EfUepE0wCjhXnAOjYro0K0OhutgeDVjtnnB8DBgm5oI1g"
    "BqzQ8vj05+lQqDXw/J1OIOYcYMlNXIiIYnajQXBcVpWFcells8OE4AZjL0l5M9UmeiIscC"
    "WoLgPrLctZlQF0fUFg5cEaBIRAF3+MgGvI5cyCUj2endsjb0jMxYduQkZmFwS/V6eEIqmq"
    "3j0tuMS5c/V3vVE7WrNlmtfSPmoHMXZjgDgUqHUh4n1JjIQ4+8rBX/8Co/V6bl+arLEETr"
    "P73qnmRsx5EPv1+9yuBXi/H0zgedYDEpx3vG5WqI9/q7MnxrVfijpAMUl9Kz9N7Tclu1OP"
    "aTn8lj5VKe7248ig6xM3cWVNcXeg8O1NjIKhsDTy0vh0O1Sdvhu7TD9a53m42Kh529KMKh"
    "RHUDtVVCWGV0lk6eiUutmDdTtX5dLjeGsGFp+KIyPzR4E27SIZ6VOq04KrPSQcXLjfVfRi"
    "4zJCrq5CiHMtGSz/u15BzQuPva9YaRPMJYnlrcfv706OTp0al3ijF0kUTBz16BhM4rucIC"
    "rIxu49unYh78AtXoA42ranvsq++jg9PLOz86JaHOWs9LSaiIy+svGL111UvnrSdVxc0Ca0"
    "p7NtQsGDt7S6fUEWrN55RMB/AxeDJf1tlEY5MPsGnO0EG/r8j3f3hX+v1DBBIj/0TS+RGl"
    "3vbXscDZuh/QZTLA/NJbGQo9AAmLGHREDSSIgx6w6crgHFgIqN+XMPf78FzMBGIcjBRoC8"
    "IOCMMPkzwQc8GK0iDYoP7IWk2q/f5t+v01jRZ5/R0s6Hkf/xsFiSYVWEAT9P3i/TkqUtn9"
    "UHdmUUp9DV0vMtibUuY6WTs7Ldx0Nktc5xOnoZ5wm/4lk2Uynd1ciJNiGtqMXkwZmFEONc"
    "gyfThTWMOcPVkEtlLPInbvkZD7krNFprwGOxvsCXftpZFOC2uY0zBr5zofau1cb8C59ne+"
    "zPCrwz0x813qcO/NYnmowZJgdHB7+/HtFRLuAPzSQ+l0YvQIru5TQ552gGQXRZQpNzaw/J"
    "8I9JdMDEVX2JikHOm13r3LwtXLiAqQnp/RIBNbwRkPVsGD/4zZEK4kFm/3+00kOIru7vRE"
    "dBnjT/2tn5BkIdDYBQUK/xwI6cp7Bw9MV93JSfveek+mOiUL6j2ZdrQnk+1m9ez8UGhQf/"
    "th0CXIpZFNPjfhQwDz6AMGYWmYSr+2iaacORNz1hvMYBqfZxY0kcscKtkog8Nf8FvmVPlk"
    "TvWinV7DA2uvMC8Yk6ryBNV48+b83bumPB/JOyyu9J4CRXYUyN9PIDVJLU9crY20qty3Yc"
    "3+keyX0k4r97UNZarcnyuTLS7uqdXLT4RZeIpjSlYfoVn8AEe15+uQeKlYpVKQ0pL7m4i0"
    "DqVs5IMKDv0yukmIacVswtLZsz0IGxj08UBKKsCXOkfe70rvLag3aNMbtO0G7I0wEPBEh7"
    "DyyxWTcjXgIDZtfuos3YbelW3PwNUp0HWJ1+kU6B9R63lRWr0rm96VrfqIpnIJ9K5sele2"
    "nYNa2V3ZLohNjUkjI+fFL2kuynnBYZ21bqSgUzh2mMKR63Pme/b5Tmcdokrt0yLRUaiVT6"
    "KcpiKkclCVQNivXkN0N7M1hUc1lQlNRET2IWOjUgGInSZwfvs/Xw+nTw=="
)
