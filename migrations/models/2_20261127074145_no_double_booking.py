"""Migration 2: no double booking, enforced by the database.

PostgreSQL: an exclusion constraint over ``tstzrange(start, end, '[)')`` per room for
confirmed bookings (``btree_gist`` gives ``=`` on the room id inside the GiST index).
SQLite: triggers that abort an insert or update making two confirmed bookings of one room
overlap. SQLite serialises writers, so the check inside the write is atomic. Times are stored
as UTC ISO strings, so string order is time order; the triggers refuse anything else.
Both engines also refuse ``end <= start``.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
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
    );
END;
""",
        "downgrade": r"""
DROP TRIGGER IF EXISTS "bookings_check_insert";
DROP TRIGGER IF EXISTS "bookings_check_update";
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_end_after_start" CHECK ("end" > "start");
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
    EXCLUDE USING gist ("room_id" WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE ("status" = 'confirmed');
""",
        "downgrade": r"""
ALTER TABLE "bookings" DROP CONSTRAINT IF EXISTS "bookings_no_overlap";
ALTER TABLE "bookings" DROP CONSTRAINT IF EXISTS "bookings_end_after_start";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXW1T2zoW/isaf1k6k6YQXsrSnZ0JXHrLtoUdmu7eudAxiq0kWhzLtWRCtst/X0m243"
    "fXDklwXH1pg6Qjy8+R5XOec2T90KbERBbtXqORi+hkQO6RrZ2AH5oNp4j/yK3vAA06TlQr"
    "ChgcWlLA9VvqTDSVVXBImQsNxmtH0KKIF5mIGi52GCbialrfBsSB3z0EAmkgpTuAMuIiE0"
    "AKMKPgy4f+697hURdcEwaFLLhHyKGATRDveYqt+TvegUcRICMAxaVNYvBrY3u8tqvc2q5o"
    "xsVlZ7zmgf/vt55NiBXKdMVwPBvzy3NoxojXu3xQN994MbZN9Iho+Kdzr48wssyEHrApOp"
    "DlOps7suzCZu9lQ3GnQ90glje1o8bOnE2IvWiNbSZKx8hGrhgwL2OuJ7Rhe5YVqC9UkD/S"
    "qIk/xJiMiUbQs4ROhbQ/gKhM0/XLq4H+5Xyg61pG36FETDlBkUFsMVf4UKm8+7EYwuve3s"
    "Hbg+P9o4Nj3kQOc1Hy9sm/dASMLyjhuRxoT7IeMui3kBhHoPqqyQJ7NoFuPrKRRApdPuw0"
    "uiGWZfCGBS+E7xQ+6hayx2zC/9w/KgHzX/3rsw/96539o1figoQ/0P7zfhnU9GSVwDvCVz"
    "4S+gTSSR2Mk1Krwfllp3EC5qODCjAfHRTCLKqSMBsuElDokGVh/o3XMDxF+VAnJVNQm4Fo"
    "N/yxmgkevQM2AT2/QfPK5o+sr/IS6AcXn8+/DPqf/ykuN6X0uyXx6w/ORU1Pls5TpTvpp2"
    "HRCfj3xeADEH+CP68uzyW8hLKxK68YtRv8qYkxQY8R3SYzHZqx2RmWhqgltI4eHcx7W0Lr"
    "SckWan1LtBxiUqrmwLxYQs1JyRWoOZiVSstr0LI0G5fSckJSabnJWuZOg6vXsuRjEj8357"
    "dgZV6FRS98pNF9rkEv4Mqi+567d3hsf0RzCfIFHxG0DZQDauDtfg262TJwn8LZE5ZGT7ML"
    "ZwunMj6p+L3zO0bMN8n7X876v51rEuEhNO5n0DX1BNSihvRIqmTRNls17U3TJdCGYwmOuA"
    "sx5jjqOdxDqI1izkHcUDWqoRhL5Zs3yzdHU4itOm7jQqC5HqNmQIpej4hlIjNNT1VxHXuH"
    "VXxH3qrQeZR1Se9xxC+syz9qgJ0QWhcVstk3UxLp3d0qSO/uFiMt6p5SprxVAPK57U0z76"
    "aUMW9tGGttiqZDf+WtM8WhOcX2CZD/3Yq7GY1OgPzv1vZ7PAGxnmvqZa8KR7VXzFHtZTgq"
    "zP1gg+GHHM2cEg46tAvW8bhcSitDLrgutYTL0GZN7dOrq08JK/v0YpDC+Ovn03OOvYSeN8"
    "K+TREu9BHgDqR0RrixUJcXzAgu9Sxsxr3RhoY7d9g7Kco7IMAiY2wvNeUrLUV7JUvRXnYp"
    "8jnWB242ifFWt14ycpvzSnbrasCbOjIsA5BtAsTHPAcUUTFwABkg4Sq7IUsnwr4+6i+C91"
    "6jDUfFfv/a7LfnmEtqPSmptN4UrecwaHL0GbqnmJ2I86npLISUaRfIv/94jSwZ5S9mg9K5"
    "D1s2HYpYocTjBB2s36P5M5HqO/gjmrcVI27V3/NOnonRqd9Lm0BaJykYTKkcWjCabMXEYH"
    "xa/zwNaTBB3ELkVgEDmAI6ITNbmonv+L/WPJ4cJOrvkcO64O7O4WsNfry7A9hENsP8vkQe"
    "EcA2sDBltJs2Mtd4GcVhNovDrMuqtZhQW4sX6z8TtTiEhURzWeJlEV45NcZXztokTVymdR"
    "CvPnWLGkT0kQH4H1+uLvMBjiTSrgs2GPiffBusjRL+28izDZkTO/SwxbBNu+J6f69JEq+C"
    "kRQIJbyWEOadz/0/0ho4+3R1mnZHRAeniktouVdZhUsIdTec10vOyMgtRc41LN9m1fRcg9"
    "IUG4b0ljxBlTKbLEiZ7tGlls60rNJ0kzWtMhV/BS2rTEWVqagyFQtJSc/E7PwByXFnicmo"
    "tlNKTop2OhIN15+8eKMJ1pDN/QnE64I/ObjfapGCp3j8q/CCf+319vff9nb3j44PD96+PT"
    "zeXSwC2aqy1eD04nexICRW85+zh/XfsJt0Pjeqj/b6nvx5J65e/3WbkVuT77l9dHwa2yAG"
    "tAy8SVHl3RdBzG8W1crVToltMKl1XUzlBhK1ocFy08ZKYc6PRbdgt/rqufiUgVR530FSrI"
    "Wxu/1elQ8D9Io/DNArgLrWkpyQUWtxdi0eohF3H+vEkiKJZ8WSGobrpoNGcMTyfPli2BcC"
    "CvXlUXcRv23KcteQ4sU6KdU6u2Ovd1wlCaB3XJwFIOpymKuXIVpOPWyZ/u1naJZFXaeMZB"
    "kGrdT20G305YrJEYOrus6DH7ZvXU7K6o0zlbW23m2ggoP7L7FrYRyXaTLO2kX/sg/ESDsA"
    "dcddcO65xEFvTpFrLbf9bfV+Hh+Pza+vT4jn1kq9yghugf2m/bjlr0X7VqyeN7fa7vHJ7u"
    "4tb3ar9XblT8H+d7vdp3CrIrRmcE6BuNdq6tq04ae2z63gxRrB6QfVlonnJyVVPL/J8XyV"
    "2Fj8QLU3uKQ2SbZN6yvdJGlYhHpuXvp5nQ1tZ34vWzgHKu36cwmZPncDKe+iTfCsk/EJZ1"
    "MO4RObaMV8T3xOV9vxFzJEYIe4gDsuQGhcfNsbs1diA57oEZnA9ARY4O7uhjLoso74qsSr"
    "u7v87X0r6LNKSk94mYDOlJ3UTOdRRNQziSih2XqBrJhEc5M2NN8bjD5jP4zRrZv3UvypXd"
    "OIWQi10H7ZXnsla6byVa+uagMRpdhGK5bb2LRexkok0brY3Fq4ZOXXF6O/nR5eFb8+ZfdV"
    "tDtSUmqXxs93acSNnmfu1IiHq7cM5Kq7NVITrEk7Nt7zxa7ArQyrOmVu5chvVMOt5Ggxl1"
    "gWd/MeiAGHngXduXABpSsY9gd2HJf8B4l02A43tDFDQ8JvVoZkXuX7lqvqWGU0NMuRVBkN"
    "gaF0UMVOOig2kw4yVpLKaFj9d3iWYpwl9RFfS59HqsaW7i1Tyotwq5KHznkDhvx0yaGOIQ"
    "m+5j2KKQvCgA40MJsrTlO9il5ktVTJddtGiIwsQnKS8QuXhEV7taMk59Pa4fpbHc+4iGIY"
    "8nbpEHIvbzVr/ZQdNxEXU6dNVD9tQmz48L8i5XCH+AHmbFMtxT1XfoMKWJRsrQbig8tgP0"
    "CPBQtJSqwF4YAyAvr8j0EC7kyi7IJ//nR1+XvYPJ09qxJl17xwC9eEou91SPekVOOPSxnO"
    "g6NSgoGDmcufbD8RQHiBf6F+CbCIcZ/mJ1XGciNYhaaHuFTGsopsqozlX0TrRRnLKp6t4t"
    "kNI987NeLZ13zOX1+cDcoC2iruoQ7a2argUEmWRGralYeK9FrpErVCRjfyAnJmBKP5loki"
    "BTXBYxumW6sY0kZjSEklVGXjE0LqjZ5HaG58v0EbES2xkRbry/Pso5Zt+krbRrFJlZ/nlw"
    "jKRS+OZ6LaPssnDWxyCaxtc67TRAgtqryPMUXGVsm3mGJ23c+TKPtBQiNxMxvkwM7Xwdmr"
    "LhjMiEiHHGF3KqjLoHuRC7nYc2cLNhMQ/o8FnZM0YbmWi9zagiwVL8YhpLwFGnnUP6xvBz"
    "0alidPoI7mAXjD5wEej5HbARQhybRO8diV5i0tzNW80SjxXP9ZQY8MuTa0FmZOwhyKParB"
    "DsEOuNHIzF58OzhWrPYQvoCtxDDLCwiXfQ6I5YaCVVpIQVqICkK+UBBSbdxscYxGbdxsqW"
    "L5A8i8HP5NvJHObW+asdbTj28g3eTXk+bwucgVegKCH7f2wsw7iSy+W9tFYh+NKAx/8Zbi"
    "xsUeHN4y/FkxGr7mQ1spcjGi9RiChExzv0nwYpxLZGlXNdAiiaUegYblFWzgKOe4C1MD55"
    "RY+8BeizXczn352mwyXyzRb561LB9WQv2wBPXDLOoqH2+li7I6tXcD4Krsq7bk4ajsq19R"
    "61Wyr+JMcMU1NC6iYooqSquitM0MJhZFaaNIYmYhWAGoLT+UOL74NSo+e2GiqUMYso05V5"
    "aWE6ZNteiURWtx1FYcglk9aos4zMgMtonMMJvIkCblIwG8H1HvuTaVhSPsUsZLKFckwBx3"
    "/pIVkVUIKOJ6MEWINfsVnDVdIzfIGjthlRrEkbOeXyETZlUB000GTNXx9CunOMPJXZnhDA"
    "UazfHPJtiYiMNM/HSK4FCaIImj6/uqyxBEqz+V5h7lbLMvhj9o3mTwm8V4+uf+TSCd1OM9"
    "k3ItxHv1U5m/a2X4o6YDlJRSq/TW03IbtTi2k58pYuUynu/LeBR95PL3p5bjSQQ1pR4EjN"
    "qogze3a8kpNr0Lo1jFL9HiMFYb3p+9w8Mq9srhYbG9IupSZ0rzh6oGwkHzFqK7lmQD8Qld"
    "ZOe8Q4vPfoyJPOvUx6ahXQLuyk5vfNGX2dP/ASdIAkw="
)
