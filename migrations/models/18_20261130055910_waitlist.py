"""Migration 18: waitlists, and held bookings under the one overlap rule.

A waitlist offer is a booking in the state ``held``. The overlap rule of the database now
covers *blocking* bookings, confirmed or held: two of them never overlap in one room
(PostgreSQL: the exclusion constraint, rebuilt with the wider predicate; SQLite: the
overlap triggers of migration 11, the same apart from the predicate). Downgrading
cancels the held bookings first, then restores the confirmed-only rule.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "waitlist_entries" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" INT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "room_id" INT /* the room; null: any room that fits */,
    "building_id" INT,
    "min_capacity" INT,
    "features" JSON NOT NULL,
    "start" TIMESTAMP NOT NULL,
    "end" TIMESTAMP NOT NULL,
    "state" VARCHAR(16) NOT NULL /* waiting: waiting\noffered: offered\naccepted: accepted\ndeclined: declined\nexpired: expired\nleft: left\nclosed: closed */,
    "booking_id" INT /* the held booking of the offer */,
    "offers" INT NOT NULL /* offers made so far */,
    "offered_at" TIMESTAMP,
    "offer_expires_at" TIMESTAMP,
    "reason" VARCHAR(500) NOT NULL,
    "joined_at" TIMESTAMP NOT NULL,
    "ended_at" TIMESTAMP,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* A member waiting for a room, or for any room that fits, for a window. */;
CREATE INDEX IF NOT EXISTS "idx_waitlist_en_state_221a84" ON "waitlist_entries" ("state", "start");
CREATE INDEX IF NOT EXISTS "idx_waitlist_en_state_7224ac" ON "waitlist_entries" ("state", "offer_expires_at");
CREATE INDEX IF NOT EXISTS "idx_waitlist_en_user_id_993734" ON "waitlist_entries" ("user_id", "state");
DROP TRIGGER IF EXISTS "bookings_check_insert";
DROP TRIGGER IF EXISTS "bookings_check_update";
CREATE TRIGGER "bookings_check_insert" BEFORE INSERT ON "bookings"
BEGIN
    SELECT RAISE(ABORT, 'booking_times_invalid: end must be after start, both in UTC')
    WHERE NEW."end" <= NEW."start"
       OR NEW."start" NOT LIKE '%+00:00' OR NEW."end" NOT LIKE '%+00:00';
    SELECT RAISE(ABORT, 'booking_overlap: the room has a confirmed or held booking in that time')
    WHERE NEW."status" IN ('confirmed', 'held') AND EXISTS (
        SELECT 1 FROM "bookings" b
        WHERE b."room_id" = NEW."room_id" AND b."status" IN ('confirmed', 'held')
          AND b."start" < NEW."end" AND NEW."start" < b."end"
          AND b."start" >= COALESCE(datetime(NEW."start", '-' || (SELECT "max_span_seconds" FROM "rooms" WHERE "id" = NEW."room_id") || ' seconds'), '')
    );
END;
CREATE TRIGGER "bookings_check_update" BEFORE UPDATE OF "room_id", "start", "end", "status" ON "bookings"
BEGIN
    SELECT RAISE(ABORT, 'booking_times_invalid: end must be after start, both in UTC')
    WHERE NEW."end" <= NEW."start"
       OR NEW."start" NOT LIKE '%+00:00' OR NEW."end" NOT LIKE '%+00:00';
    SELECT RAISE(ABORT, 'booking_overlap: the room has a confirmed or held booking in that time')
    WHERE NEW."status" IN ('confirmed', 'held') AND EXISTS (
        SELECT 1 FROM "bookings" b
        WHERE b."room_id" = NEW."room_id" AND b."status" IN ('confirmed', 'held') AND b."id" <> NEW."id"
          AND b."start" < NEW."end" AND NEW."start" < b."end"
          AND b."start" >= COALESCE(datetime(NEW."start", '-' || (SELECT "max_span_seconds" FROM "rooms" WHERE "id" = NEW."room_id") || ' seconds'), '')
    );
END;
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "waitlist_entries";
UPDATE "bookings" SET "status" = 'cancelled', "reason" = 'waitlist offer withdrawn (downgrade)' WHERE "status" = 'held';
DROP TRIGGER IF EXISTS "bookings_check_insert";
DROP TRIGGER IF EXISTS "bookings_check_update";
CREATE TRIGGER "bookings_check_insert" BEFORE INSERT ON "bookings"
BEGIN
    SELECT RAISE(ABORT, 'booking_times_invalid: end must be after start, both in UTC')
    WHERE NEW."end" <= NEW."start"
       OR NEW."start" NOT LIKE '%+00:00' OR NEW."end" NOT LIKE '%+00:00';
    SELECT RAISE(ABORT, 'booking_overlap: the room has a confirmed booking in that time')
    WHERE NEW."status" = 'confirmed' AND EXISTS (
        SELECT 1 FROM "bookings" b
        WHERE b."room_id" = NEW."room_id" AND b."status" = 'confirmed'
          AND b."start" < NEW."end" AND NEW."start" < b."end"
          AND b."start" >= COALESCE(datetime(NEW."start", '-' || (SELECT "max_span_seconds" FROM "rooms" WHERE "id" = NEW."room_id") || ' seconds'), '')
    );
END;
CREATE TRIGGER "bookings_check_update" BEFORE UPDATE OF "room_id", "start", "end", "status" ON "bookings"
BEGIN
    SELECT RAISE(ABORT, 'booking_times_invalid: end must be after start, both in UTC')
    WHERE NEW."end" <= NEW."start"
       OR NEW."start" NOT LIKE '%+00:00' OR NEW."end" NOT LIKE '%+00:00';
    SELECT RAISE(ABORT, 'booking_overlap: the room has a confirmed booking in that time')
    WHERE NEW."status" = 'confirmed' AND EXISTS (
        SELECT 1 FROM "bookings" b
        WHERE b."room_id" = NEW."room_id" AND b."status" = 'confirmed' AND b."id" <> NEW."id"
          AND b."start" < NEW."end" AND NEW."start" < b."end"
          AND b."start" >= COALESCE(datetime(NEW."start", '-' || (SELECT "max_span_seconds" FROM "rooms" WHERE "id" = NEW."room_id") || ' seconds'), '')
    );
END;
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "waitlist_entries" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" INT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "room_id" INT,
    "building_id" INT,
    "min_capacity" INT,
    "features" JSONB NOT NULL,
    "start" TIMESTAMPTZ NOT NULL,
    "end" TIMESTAMPTZ NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "booking_id" INT,
    "offers" INT NOT NULL,
    "offered_at" TIMESTAMPTZ,
    "offer_expires_at" TIMESTAMPTZ,
    "reason" VARCHAR(500) NOT NULL,
    "joined_at" TIMESTAMPTZ NOT NULL,
    "ended_at" TIMESTAMPTZ,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_waitlist_en_state_221a84" ON "waitlist_entries" ("state", "start");
CREATE INDEX IF NOT EXISTS "idx_waitlist_en_state_7224ac" ON "waitlist_entries" ("state", "offer_expires_at");
CREATE INDEX IF NOT EXISTS "idx_waitlist_en_user_id_993734" ON "waitlist_entries" ("user_id", "state");
COMMENT ON COLUMN "waitlist_entries"."room_id" IS 'the room; null: any room that fits';
COMMENT ON COLUMN "waitlist_entries"."state" IS 'waiting: waiting\noffered: offered\naccepted: accepted\ndeclined: declined\nexpired: expired\nleft: left\nclosed: closed';
COMMENT ON COLUMN "waitlist_entries"."booking_id" IS 'the held booking of the offer';
COMMENT ON COLUMN "waitlist_entries"."offers" IS 'offers made so far';
COMMENT ON TABLE "waitlist_entries" IS 'A member waiting for a room, or for any room that fits, for a window.';
ALTER TABLE "bookings" DROP CONSTRAINT IF EXISTS "bookings_no_overlap";
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
    EXCLUDE USING gist ("room_id" WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE ("status" IN ('confirmed', 'held'));
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "waitlist_entries";
UPDATE "bookings" SET "status" = 'cancelled', "reason" = 'waitlist offer withdrawn (downgrade)' WHERE "status" = 'held';
ALTER TABLE "bookings" DROP CONSTRAINT IF EXISTS "bookings_no_overlap";
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
    EXCLUDE USING gist ("room_id" WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE ("status" = 'confirmed');
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztPWtz27i1fwWjL7E7iusocZI6t3fGzjpNunl0Eu9tp9GOBJGQxJoCtARpRd3Nf7844P"
    "tpUqIkiMGXRCZwQPAcPM77/N5bMJPY/OwNIeYtuyO0d4l+71G8IOJHvrGPeni5jJvggYsn"
    "tuw9Fd1GLvSTz/GEuw42XNE0xTYn4pFJuOFYS9di8J7eFeLEcIiLLIowMrBNqIkdxL1J1A"
    "398vk9OomaxMu56EgpcwUsNdGcYJM4/PQMfXGZQ0yE5btNZoiXW3S2u9cMqeVy9OXt1ePB"
    "xfNXiFGClsRBHifOK+QwF7vi9chykUPuBU44cucEMduEV53BHD1q/eYRgbAZEU2OmOnXX8"
    "Vji5rkG+Hhn8u70dQitpmii2XCAPL5yF0v5bN31H0jO8LnT0YGs70FjTsv1+6c0ai3RV14"
    "OiOUONglMLzreEAj6tl2QNGQbP5M4y7+FBMwJplizwZKA7Q/gfhZbzT6+Ol29OXmdjTq5V"
    "ZBCJGgWPDIYBRWkJgql18/gyk8Hjx59uLZy6fPn70UXeQ0oycvvvuvjhHjA0r0fLztfZft"
    "2MV+D4njGKly5Y7mmM/zyH09x04xdtNQGSyL6WexHOJUXTQv8LeR2Aczdy7+fP6sAqf/d/"
    "X59durzyfPn53CC5nY7f5J8DFoGcgmQHuMZrETARUj7ObR/JNoca0FKUZ1GjKDajMAPQt/"
    "bIL48EGM+fjk2gfqxQean6i9Dkhegfrbdx9uvtxeffgHvG7B+W+2xN/V7Q20DOTTdebpyf"
    "MMmaJB0D/f3b5F8Cf696ePNxK9jLszR74x7nf77x7MCXsuG1G2GmEzsTrDpyHWUlSHY3HU"
    "6NhKQDx8dqm/q1o4vOA6mN4lzi54MMHG3Qo75ijXwgas8JwDxObp8ImSWyb+kcR4J+aOqU"
    "EKkB+wBL8EgxwVEb6Hayx8Gr/fwavonk0uPfHl4nuJ698CV19eX/100/ueQnwaz9C0GCyy"
    "TzDFM/m9MDOYR4DHz2QqNtm8lPVKtVdyX47fsxkDRhFbYkEZFEAjCd1HPORyUILJOUOfJV"
    "sj2KU7QpY+RzPFC8teC46HCKwhNkU4z3/t4i1DKnksAS4HS3FZqzmzQxjNainIavmkacJm"
    "xRDtsFj5m/5wPNbT5zV4rKfZyzvmsaApzWNpVlazspqV3RErS74tLTHaBlRPQ3aQ6kdC5R"
    "AnlWQO2IsNyJyGbIHMwarUVN4BlSXbuBGVU5CayipTWQHtw6Hv413oHx7SKbwR4p01oz+T"
    "9Y61CmpslZb1Cg8odNrTQUisF+geQmqU6xzgg+qpGspxqWVztWRzssCW3URsjADUlRh7Bu"
    "bk8ZTZJjGz6qk6ouPgoo7sKHqVCo+yLS09TsWLR/KPBshOAe1KFbLfmymN6fPzOpg+Py/H"
    "NLR9z7DydgmSb6i3yN1NGWbe3jOuewuymPgnb5Mljs2FRS+R/G8IXzOdXiL535D6I16ixM"
    "gN6fKkjo7qSbmO6klOR2UJOdhwrfsCylwzgXRMS87xJFyGKhMBuCuyhMfQflnt60+f3qe4"
    "7Ot3txkc//Lh+kbgXqJedLJ8niI86GOELzHnKyaYhaZ6wRzgRnthP+JNb2I466X7SoKKAR"
    "iy2cyiGy35WkfRk4qj6En+KPJ1rPeCbYL51udecnD7k0rOm1LAWyylWQaB5wwRc14jTjhM"
    "HGEXsfCU3ROnE+O+OdYPgu8nSjOOWvv9Y2u/vaW5IdXTkJrqqlC9QIMmZ9/A3SSpT816IW"
    "RYuwD+zc+fiS2t/OXaoKzvw5EthzKtUGo74aU1uiPrLTF1tbR+Juuu4khw9XdikC1xdO2P"
    "0lUkceJYZEsUfYnG6CSGOBMSDDXZfaC03AJRnL0NRuoqtiyTUNdyt15ToER+54/V2QNqiu"
    "+Z5wjBe0tcvQnH6SqiQhPEVlj6IAfp1MZrZN1JrLso4KYco6Ffb43Vl4zyUUKZ0w5iG1jC"
    "Aj6qwBYWc1jl1rAkL/ew7+3tnERxSRzxOVtRqRuBUCJ7nfSIhfY7snTP0Hi8FAy29W08Rv"
    "75LL4LnGchssm2uMvPspqVHb5GG+7UMtw1NSV12Iq0E9WtvycaKc4jCHVNo5tiuHV7kDg5"
    "G1smkjCdQ3H7/srcYMsiHvXvXz59LEZwDJHV11mGi/6Qt8HO7KD/M/WoIQNBJp5luxblZ/"
    "C+/21oGW3DDAcYSqnqQjSffLj6V5YCr99/us7q4GCAa61A77gqtY4CPaTdZN3MIzEHt5FF"
    "SjHGvW2blEK++Yph+kh2UC13Xhtzd+TxjY7OLKymtMqU1u75PwKVtXu+ds/X7vmlSknPtN"
    "ybeyLnnVdMxq39SuUk9BsR6Lh7j/2vPd/g4y8g0Rb8KZD7ayOl4LU1+1H0gn8ZDJ4+fTE4"
    "f/r85cWzFy8uXp5Hh0C+qeo0uH73NzgQUqf5w9rD5jfsPoXPvdKju7Kn2O/MGTW/bnNwO5"
    "I9j08dn8VtYAPaBL1pUC3dl6FYfCxpFKCUAdtjJMeuNJV7iE7CRmgtboDmYvtyB1K0tK+L"
    "zzBItYPt0mAdtN09HdTJhjMoz4YzKEF1oyM5BaPP4vxZPCFTIT42sSXFEFvZkhTD676NRn"
    "jqFsny5WiPADTWN8e6Q8Rnc7fwDCk/rNNQneM7ngxe1nECGLws9wKAti0TW7anaLn2LNv0"
    "Pz+nZona+lVKlknQS+dEOEZZrlw5YghSN9n4Yf/O+aS0z5xpr7Xd5j4AHdx/GW2E4ySMyn"
    "juvbv6eIVgpn1EzmZn6MZz2JL8+Zo49mYx3+3LeWI+VLx/NGdeUdRJOd+WAzwC/q33+1Bc"
    "i3QIp+fXYe/85eX5+VB0G/YG5/InaP/Pzs6+h/H52F7hNUfwrfXItW/GT8eMt3Cxxuj0jW"
    "qb2PPTkNqer7I9Xzs2lm+o7hqXdGaArlG9YLNvnhnAsBn3nG1DJF/7oxzhGqgVIOkwttg2"
    "a4IYoqvo8VU320Zv1w8gVZNH2DJ+tKFWLNxxBUqxxGYs14kl9329qMhQi4ZOmCPrqsGugK"
    "IflnsKQYowIjGR6QGy0Hj8lbvYcfuQbup0PC4OgWxhzDpuT+FrApWvHKShy5NW1m2prAPK"
    "NjP2JSDUdWzp+RJzXN9mklBJ71+S85d2Q0YvAuogj3e8PF2elRenXlPSBiCasEoTVsghvJ"
    "lXTwzROfvlTvTtWvdRjv3jlILr6D4yfF9NviMDpSNZHo5kSTI9W0azJE36R4bkuhEtmQWm"
    "UlTLG3HYlYiVYVO/uti47NRArBTYch1m20LMu2cGnng2dtYgAkpRMBwPnSwd9h8CLsN9wW"
    "hbLpkw8bHSbHVaLFu2NbD2+lBLkNReHwGj9KwOn/SsnE16luOStNdH+7mKNtLKS9VH8izd"
    "TvGcOLqPjCgH0a1KXX3BDRjq8CuqPYeGgh3HcWY4CAMvsQGZPLVOU19F2gGxY1fRThQiU5"
    "uxgoCF0iMh6q+jbgpqboTnb318JkG0hqEokomxO/mpee6nqg5VEkyXoapfhgqCYvxMW0sh"
    "EN/jglDeSrwXwu+RANGTo6VAcnI53N+SbyUHSQasA+aAKgX0zb9uU+jOORNH+uf3nz7+Le"
    "ye9TDWzsQ7PrhBNOHktyZK9zSU8nXUJuughlowcbSCCgG+IwBIgY+4/wTZzLjL6if3Qwhg"
    "IvkSU4FT8SazQI9QSo0iUHVJYjM6I9yNSMGmERnQCeROB2phcUdbsxlxTi9FR098FOIEO8"
    "bcV7Bop3t1WMkjsUBqp3tteNZO9z8I1cuc7rW7gXY3UMw20m/gbvBZrPnP717fVvkbaLOU"
    "LpCoCyQeDEO6jJ0OQ9oKR7s2lVf4jGVO+WrD+aiR81gjA/pX+QK5MILZ/JqzqQctwS0ZBp"
    "9oi/peLeppItS1TaaANANdZN7Ze/RVFzFaIZJE58t24kjHwoT7GVEksaiKvZ5TjE98cWyJ"
    "1e4JGlnEpo/AxiLeLlmEUIApSt8XyzYV2fsSYtTDLuVXgXs3c3Lhwujkl9vXp2fodsXAOX"
    "xqOQsw5ATDg9UgikCmYNtBUEjcxsvLrH1gJy8ZUrBZwMU4wVz0IFOP++VdT8g3w/bA4Iji"
    "dYD+HNoz+ogTIg0eC2vmSO6Wl3quf+1xIQT4e4V8c4lDsR2xOSl2KLFVg3jpPvraYysaZZ"
    "tPPNYR1QfglVzLLXKPqUog5xY6xmgnuRInOe2ScSCXDB3G3mGTqA5j7yhhxQZ0vQL1G9xI"
    "N9Rb5Lj17PYNoFW+nnpLsRYFQS9R8GNIIzbvMub4htQhEFUID8Nfoid8OEQkip7hzyxzWe"
    "eya7/Mt6+Gb6YhSMGom6HlYDoXZhie4xBB5xEcUMVnXjFqC0Crzj5llNW9QIYhIOhg5K8Q"
    "FH9NvcVegWU453LFhQ0i3x8yyTk8l2fzLYI93pLqPUwTuEbGHNOZ76oofokzZzW3jHkYAS"
    "32bR/BCoJ/hVwgxMjoAFYv4W8stdYVdmKIja4TxYw7OwpOTe+jWB3QAM8ZsO4heyeSZTcz"
    "/vRW83XE7vx5KxbnohbWLyqwfpHHOnZdwbSRIkt6eRXAJIzCwW+CMWVLmyDybSnRj044wS"
    "6aWu5pTfy3zP7osIpW0Rm6A08alkzLwSm8hg+OXO2l3RV/Xe2l/SNSvY6XtjEnxp2gnUU3"
    "2e5Z4KOJvhG8GaGIswUBA2TwHahuPZ7jpX9+2ydtmDUv0SSI9obR/kXav0hNN5gy/6LYBy"
    "Z3ELSA1F94LX/hY0Vq8vBTyrPonUkWSybEc2MtiNUrcDDK9OhX+RlZcd/RHVnX9zciAs3i"
    "KvXDvVeWO5fOOFzMBIlxoN1zKJcPp5bDXfGEC0KKu5e7gssKVeUQaA3OQflsljt6R6F7kM"
    "dj/x6DLeWqF2/IOQhpV599uvokqFITswkIfb0WFUoIF3dte0IIoLR1OjDxLInvCBgU4Azc"
    "D898ZcUm6tj2K3DekYJ0WeXoD7qrjHy17At+jfM55vNmVoY0XAfx3f5SFnetNDY2FIDSUP"
    "qUPnq97F45juNU0JWpZXOS74ElCvezfxD2qoSKqFM9ucIdBadrbdHCX8SCb6euz/Rjisbj"
    "hFDzWEg1EHPAgIEX3L9ox+Ft/4j3A48Py+VICHEFckW7LxhS8UWUY9+VxRHShmNyhHluVD"
    "no6SUybGzJ8AgyFTK3X0SLOXd9+EXln2K4FXH6Q+q/CEtJaF0gAQkZRrxnJvZHocwTHra1"
    "BJ+IfdLCjxZ+unitphZ4XdYwBaQyXyidEKPZIvBzk1KQTM4+0jKQGktay0CdkoHKfP/Lvc"
    "fL3P1VckjpxTzIIx44yL6S41yKvyzbRo5H6cGqfU6YWXCAlAemhf274KS575C0uWApC5PL"
    "lHuXJ0DUcCqH1zZ1Km+DIDtxCde6ga46ayiiDLglTmEZIPm8XyXyu6LHTrIYGXix9C9NOS"
    "ctlx5SLtUlanYbkBIv9roYjiHUjZFQCcMyYr5xcGIaasu4RNXWdcPYQ2o2Rl8S5odG3pzZ"
    "lonXzVjqBIwaPPVGgZpffx/622go/hr2BueDF4/Pnz0+vxiKzkNYIpmGv/gNgDq/5QZzwW"
    "UMe99/rSd67ps719E/LfAexyrs6FCFh6UfHaDyI1K9LEBFEZE3SMj32ZMfXZavTzb3a+Ts"
    "GzmiZ01r93trAWZkyKm3IIuJuAweRWnz+mhmswm27TU6GY+lJ95f/Sfj8SkSEAAFYS1hqn"
    "vk16pMWbvbfsGQgkHplZ95T6wAxJfEsKaWgThx0T22PfDUFRwCGo8BzeOxeC+mHFEmmBQx"
    "F4RdsKi7yCb3xK7I2Bd6HsofRdn6tNy/T7m/o66j/noXHHS0xv9AYdSJAgmKwrVffz0nQZ"
    "QtXnYwjhLoZXq+jXy0sKhXWGCgskJcEbjCxryDoXrOHOu/EDlTKOyWojgLplFbsIotKtgo"
    "1zLIJmu4EFijufiwCHml0ZI4oxUhdw1Pi0J4jexiZM+Z52yM6TywRnNFxWsZC28VqKrqFb"
    "xOgG9W71oxPFcgscVq1wHWRoJFo3yDs7sUXuGl3hPioMlWSM45dHqOshYfQKkY4NCwGSfb"
    "ECE/gMpUcIjY1ZyYCE9d4qhAAG7RouSGNVKRJIGPLBWJnP9ji6IV5ig4TU00J2JPnBDs2J"
    "agTVQ3AcNOWYp/zZrZzI5XH5hXA1PG5wJCKo0a7M4smMJ78mBMQICjhpJZBkojthSxE9xY"
    "7C2A1AjOI1jbhspRrW1Du4iNXCyZ415j15j3iqIiE839ynhI2bGmVegTJTJJtYRGExgdTR"
    "22gMg+GdB3KYMPlzamfYSpiU4kbyHeLvgH89SPTPRcgy0K8qq0PXiB9UYbag5pqNl30nDF"
    "/MD34EEI+7sJgsP+SlvCYMOjP+Q+X29i/XpZA88vS7H8sm5oVcUyPpJSKgLPVMh8f4RHKl"
    "gcg+zhalgdmZxrIw/FBIgaDoqdCvrh3mKBnYKgt3KCJEA0QVoniOWSRaP9EQGoQYxN3HeV"
    "JYbOEa9dcLXA3ZVkRF9k9axegawdtPSrxGwe96mVxDQqG3Xy+fMv728Q9yacuKfgpIjRCt"
    "v2Y8Nmxp0UmJHlZ+cJPcUecfRfyCqKbrAv/efSl7Y2+pAmKlxZPM5G5OcEGo+jqnTjsZTZ"
    "x+NMMbXxuC/Ee5SstvyIDyllj4NSzAi8VtHMw5C9CGo0r6XrJ5sCzGLbyspaBbBPFYCuka"
    "xrJGeYwAMweztJSOF4RSu7nPEO+++f795ANTB1yG99cRGIc/QeC2BwZAJrUB8tGHXn9lrw"
    "qn0UR6L2kUddC7yXDSZ+if8hBj/gZtVj1P2Jh9xeA7VOAkrlA6r39u3lhw99JO50bG+iyr"
    "mocVBdlJd+yx1Smzs6t+bkrNzd0LJ8BOsS+LRmt20Mo/J63vDC3UGarTtrOSoPnK70WMzB"
    "buauuBHKQ57yaP0VyTfD9kzih+43rTGcgdSar9YvVCHQb0KbDJgmzC44nVLj1Q31FpIuyR"
    "I7Bzdk9SB/8T1pSIAA6hL5/w9pVP32Em1VCHcHoXS6lraupX0YZO9EAyHeKLOrN83zmoXr"
    "gA5i1+ynzurS0zWdjwy52l7XdXuddovuMtXL3KJ1SV9d0ld9jOZ8CXRJX13S9+BIVbak78"
    "0CW/YHwjmWey/n+ZJq71f5vxDoOVr4XRtEm0g45DIoimUWx4ykuwzpkI7HJjG9JYHCwZDn"
    "C98RHudRslwUFwFDJ+BMsiQOuJaIP7GsTmVYS0v81ZeeJg5ZwPpxhnQZx8DKjjbUtQL2w+"
    "9oWuLTXDmYQIQD/iuym4nXpzUjUr4mdGyUfHMF++OKqcL/vutKbV+Va2v2o7ir/GUwePr0"
    "xeD86fOXF89evLh4eR5dDfmmqjvi+t3f4JpIsU0PO7XEa62JuiMN1Y6y47DE2L1qSXCcgg"
    "kVfGqj8Is0VAftmoOLOpol0asc1xc53dL+y7x1XAEibo1G2uewfwcX7NNBjfX6dFC6XKEp"
    "G4gygUClRlaUGKSLKK51/j6tOH+fFpy/wJE0rXKVAuoEpvftWjh3F3ZjtKeANNo3QLtlFL"
    "AZ5QgPuqtrtupZr7E4H0wspBLXxcZ8IUUcayqElJqBtfsmgZTJCrmQKvEmCdUhTmQvYk6y"
    "mqGfNLwRD5gG6hDyW2MDjyN8vLcUB0VYSHP3Th+tO9UEapMmnsVJEJ2fOpdAKqOMyuG12p"
    "pXAN5Bk97xmvDylluZlHEkwziaEjsDejSJEH9MOmPujojjsAI7TfmdlIZSl+fd8EK6qCU9"
    "X1RIzxcFjnHaA6ZjvhB1PGA4yCLNSZ4A0+enauenIhkJPjIXChzJeLh/OGRKZFR9r8BOW9"
    "KzX2WxpQmY0TICqp3DAMwBjzgy5swSUK+gzpLDVkHRJT+OH1TcEMjvW3AtjhjNm3i3GmmL"
    "HID7N4AoZs/bcS4A3yOACXmAeQXHY0UEVxbweOOEpJGHxwvXnYulC8sImYxAaTIXrTCtmQ"
    "5937FE2reza/xMmW+nIvfdJ8+dsG+vPYczp+iWS7VX3m1M9hwZsmvNG+2tuHKmoDtHQGxv"
    "ITapn4NGXEyYzgiaEkiYjzmaiW17Ag0gJQV+RZYJfkeio2kT8zR/y7U++hY3n/w/t6XLhc"
    "Gwf+ecWNqyU5dfgmJzWsW5WqoMHEmozqgq92ze0LeXvr32env9k0zmjN39RGwLRJaiCyzb"
    "pfIOW/mdwVsYetfOLiddZuWtEVbRhexvYQ8/szqkUg/GXSObzUocb5uO4vvmBhN/LHPCWd"
    "DFEV1MP9f7eBxab4PEcBg5JBrEwA58qLwXOYbcdGZFArjEhAKxLLIMZ9PAVfrd9lHhYMwR"
    "Mw8dOMMxtX+ucv65BaSrKdAXQOpImqJsLIdx01AUrXtmZHw0Ssw14NnTUJ3wD9t1tH3qvK"
    "+L5xSQymjuBZesuIgtiuS0ZSRLMPXDo187zuSxrB1nlL8btePMD2AQ1I4zPyCdwQVm841d"
    "AK7prTy9y5iQ0ssxA6WwR3Tv7e3tP5A/1dD2IE0MwSKtyQW2fH1q97R9uadF/P8Gh1kWVp"
    "9kKp9k2hGxfJ8dp+lD8dI5gV3jS0Kd2is3f6S69euYQJJ62npWkPIFoavGquUm5jkFYlT5"
    "zR90V1nTtuGlPzivm1KjMqdGs4oxVflLulYxZg8JTGKte7Oc9WmwI/Z39J2ZHktnJiwHFL"
    "KGg8C92BLHKzoJAkjP/nT6Cv1J2paxXbNkyb79H8OEUg0jZNNQKguETPBBvpE/EAitOIvW"
    "YaTB/SdBPCCqw4SEB4hR7mZKeh/LErfWYskcF8XTVsC+RYR01SyDTQShMrvTW83FREdnZ2"
    "eIWzMKufPiiStRHkDcPvcW8/ioOQkKQBXeAJtaGfeA9M0MJqWDaAWUygqouKRLxluoql5W"
    "DKQLZdUvlGVaHL7fHDkE84YSXh60c1LeTjTpfjrf5vGDObgdcazHpx7K4hYvLfCp2gS9aV"
    "CN4RyGdVGZVtGpjS3lqO6WsUVHF3WZ6opHF33h7I0tZ5Uzq4VN/SpTGufi5aJXgyAim80s"
    "Cs7CU9uazd1LhNHEESMQB0J2LIcYLjoZjyHE/a+PgpZHENUjrl9ioslauphAuTdQeVm+A2"
    "kuyKj1t0AIEni5kPH4FHTPGJlCiDQImjmYJsbyn5YP5f+GiFv58/X7d0O6ZLbN0cpy51sH"
    "4Wpj4g6MiToH9w5dx6HihWUW1Xup0p/FMB1EcvtaYhBdmlbWTMJ0Lka/fRRTRpsZPyKADq"
    "p+By/rHBODl+XnBLRlK8SaZAQhy2LMRqdFDlAjvBbCQ0Zp5DlWE3xn4RRGdw94sKkjawib"
    "j3KsZD2Pj2d1cA/dKnw+nuWwHzCljY/tLJzq2BdMteOCeS/kwjkywJtDDA6fQDaqt97+8e"
    "7z9SM4Sxppw9NgqhMjZKzU2gpaGVZOgONUi9RRhpFvS3GN8A2onobsINWPhMq1rLoe30zh"
    "yXXYiLL0VUe7+RZTEypq9oo1nFFz/yEt5zzoWTuRLaPkMaw+BHe/VPkRE8qNJjlOhKcuVP"
    "uMdJNSbdlH5Jvv8WpKV1aX3RHKi1Lc7uQdWvuolvZRK8j2wN5LHUFTUSsFpFVkDyNZ8/Ga"
    "j9d8fHf4PM3H/1D0PXRhg0Of0S0wejnJKI3gPHbfMIdYM/ozWUskvxMzwsV2o0Cq+SUY5s"
    "iQ+z1cPeHTeDc7eBXJGslFJb5dfDHxfZhfX315ffXTTe/7YURNwPo7k1DXcgtz9Kba+1XC"
    "ZvCBsmvt7LxRtRNsGMyjkH0FYYqCYdaRXvcSjccn4R99FBSzPvUz6vpLoaKUSkuDF6bdTU"
    "osYY3tbLpdLXdqubNFY4fA59SaeZC7MrZ7oLAsweHFpe5Wp8/YmtBYzHuMDBtbdUNX03an"
    "i4s6ZqeLi3KrE7Rlgu6htE4T3EcAymPerxq0mhMK9T9WmCPbonebWVoHF3XWvehVgXutKN"
    "CKgssg/ZrUTm+aGDEJrKVJLU0qvZG1NKmlyRJp8g2+Z57jR+fmRMm4sV8lR07DbrVFSMgc"
    "gjBakMWEONIvS7DGReJgecdC0S5cijIziZbpDinTacbqR2Ss9p//SDnithyeq9kXzb4cA/"
    "uSPQVaQOnnYJiOojRx8qnEEX6QDYVubGFTJTfoD1zfe01Wk17NGfIBuazVF2bxQyfYtmWd"
    "PsAWl/Gw0A5/XSLyTYxtr+UTNi2xJrQyNsTkhnDjsSweOB5DR9/kwIn7MFMaZSb8Fer1aV"
    "ZVs6rqn2UdZlW7nh31YBxrV3OgahHgqDGqRYB9igDJNMxbovU6MdRxHQR1MZu5VFQTsI4U"
    "q4rKVz9ZfGnj9S2EwfQKhKxUe79K0pIfaPrdR35YTV2hS/b2w3HmBMkRfWcrKf084shkzL"
    "kEm/0CrxGfs5XsGDaKZyACGXNi3EHqI5cVCF+tv2NIQVgLEvDzPqLMnYMcJ/BCzhBwqVKa"
    "+/L26vHg4rmUy1xWYS/QQtcBhS4lNcXHh+AYoXK7NQ4sSkPpyCL53VWucn4lkCYojiGUdt"
    "eCA1jmsYO6KXDAZo/0OvhuP2lXqGKZNEymm4PTkqXO/ao1X/IiJffi1N+E6mlI7femmt+b"
    "ItkQPjK4TN5bU7dXIOAkWivFGyr7jWzRsaZc88XF0ykCAKjeFXgNgaM9eyzFiwmml1LGCB"
    "4IYYII+YSg8dgHEgt7PBatyGZ0Rhwkg1Dyfkk7fM8WYsqO1YQ/usASUa7poZkC7OBNeeyH"
    "Zsox3KdVU2YzC6Z5zRKd+2Huo39iywWp5oa6TmHMZLpD5a20CrqOiOjbIGoycGEFcNBZyc"
    "KRUtfVB78D+Sdd+/6u7hy7aGq5vB90W4klwFZF/rEtjfrwrfO1J1OSQ2eZRtF3YoieselU"
    "XCWJLAqRj0OwI/yev2od2z6vLG04bF3JJjZ/o6ycEYDKup8NlWs7qUDcVe+BXmjbeCWBLw"
    "sO5poKt5aXtPaD2RFiFxYdGXiJjSARQ03MZsE0avOonRLsek6zGuVJmOMtUN6GVLaTYuM+"
    "V5ijR7VoHAFpsVhpsZgUVaV5IKNaYWEaTVi1CBsJcHl+9oZ6i5wfUXb3usrztr1ANr4Mhe"
    "QhlcIqMS9R8GNIsWGQpQuPwl9DMQnDtig8C38NqS/gmhAdIH8MqU2m7iWCf4fUsBmHRv9/"
    "NcyngbdMQ+YuBaQwAyKZ6rn4hNArKKx7Jil7GH5avrqAMykv+xoB7E/kPm+IZ3+OaIFNgj"
    "gTAx4SuRtp4dOQ2nSp8q2U0yZuQutR6zldNcV3RvHmxd91zfdmNd//w4CF2WAzpQA1O6/0"
    "NiJQlmGT9NcJOH1QqkzhRCn7muxlAmJ//OWTXR2U2gFyX7umww6Q6RL2TaiehtRUV4XqBW"
    "ennL0iDihXxLGMea/A8yRo6Ve5nOC4z0OOJuV01vFPavlmlF7k5SJP+U2ulMZ1U2+CXaRW"
    "hk3VAMNB9w5i90ktmfJJhUz5JC9TGrLuW8ElWm6FTYDs3wh7GBmjNXPrQS+z7/8P78hYSw"
    "=="
)
