"""Migration 5: the SQLite overlap triggers look only at bookings near the new one.

A booking can only overlap one that starts after ``new start - the room's longest booking``
(``rooms.max_span_seconds``), so the check reads a few index entries instead of the room's
whole history. PostgreSQL's exclusion constraint already uses its GiST index.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
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
          AND b."start" >= datetime(NEW."start", '-' || (SELECT "max_span_seconds" FROM "rooms" WHERE "id" = NEW."room_id") || ' seconds')
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
          AND b."start" >= datetime(NEW."start", '-' || (SELECT "max_span_seconds" FROM "rooms" WHERE "id" = NEW."room_id") || ' seconds')
    );
END;
""",
        "downgrade": r"""
""",
    },
    "postgres": {
        "upgrade": r"""
SELECT 1;  -- nothing to change: the exclusion constraint already uses its GiST index
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
    "eJztXWtz27oR/SsYfqkz4yi2/IjrdDoj+zo3bhK74yjtnWtnZIiEJNYUwRCgZTX1f+8CJM"
    "W3QuplisGXRCawIHgWBHbPLogf2pgaxGKtGzJwCRt16QOxtVP0Q7PxmMCP3PJdpGHHiUrF"
    "BY77lhRw/Zo9LqrKItxn3MU6h9IBthiBSwZhums63KTiblrHRtTB3z2CAmkkpXcR49QlBs"
    "IMmZyhLx86r9tHxy10QzkWsuiBEIchPiLQ8ti0pu+gAY8RRAcIi1sbVId7m/ZwbXe5s11R"
    "DcRlY1DyCP/7tScjaoUyLdEdzzbh9gDNkEC5C526/QaXTdsgT4SFfzoPvYFJLCOhB9MQDc"
    "jrPT515LVLm7+XFcWT9ns6tbyxHVV2pnxE7Vlt0+bi6pDYxBUdhmvc9YQ2bM+yAvWFCvJ7"
    "GlXxuxiTMcgAe5bQqZD2OxBd03q9q+tu78tFt9fTMvoOJWLKCS7p1BZjBbrK5NMPRRdet/"
    "cP3x6eHBwfnkAV2c3ZlbfP/q0jYHxBCc9VV3uW5Zhjv4bEOALVV00W2PMRdvORjSRS6EK3"
    "0+iGWM6DN7zwQviO8VPPIvaQj+DPg+M5YP6rc3P+oXOzc3D8StyQwgvtv+9XQUlbFgm8I3"
    "zlK9EbYTaqgnFSajU4v+wwTsB8fFgC5uPDQphFURJm3SUCih7mWZh/gxJujkk+1EnJFNRG"
    "INoKf6xmgEdrwCaghwc0rm14ZX2Vz4G+e/n54ku38/mf4nZjxr5bEr9O90KUtOXVaerqTv"
    "ptmDWC/n3Z/YDEn+jP66sLCS9lfOjKO0b1un9qok/Y47Rn00kPG7HRGV4NUUtonTw5JrS2"
    "gNaTkg3U+pZoOcRkrpoD82IBNSclV6DmYFQqLa9By9JsXEjLCUml5TprGZwGt1fJko9J/N"
    "yc34KZeRUWvfCRBg+5Br2AK4vue3DvzKH9kUwlyJfQI2zrJAfUwNv9GjSzZeA+h6MnvBq9"
    "zS6ezJzK+KCCZ4cnJtw3yTtfzju/XWgS4T7WHybYNXoJqEUJbdPUlVndbNG4PU5fwTYeSn"
    "DEU4g+x1HP4R5CbRRzDuKBylENxVgq37xevjkZY9Oq4jbOBOrrMWo6ZuT1gFoGMdL0VBnX"
    "sX1UxneEWoXOoyxLeo8DuHFP/lEB7ITQuqiQza5MSaT39sogvbdXjLQoe06Z8lYByBe2N8"
    "6sTSlj3tow1tqYjPv+zFtliGNjbNqnSP53J55mMDhF8r8722/xFMVarqiX/TIc1X4xR7Wf"
    "4ahM8IN1bj7maOaMAujYLpjH43IprfRBcF1qCaehzZraZ9fXnxJW9tllN4Xx189nF4C9hB"
    "4qmb5NEU70EeAOZmxCwVioygtmBBd6Fzbj3mh93Z06/J0UhQYosujQtBca8qWmov05U9F+"
    "diryOdZHMJtEf8tbLxm5zXkle1U14I0dGZZBxDYQgT5PESNMdBxhjmg4y27I0omwr476i+"
    "C9X2vDUbHfvzb77TnGglpPSiqt10XrOQya7H2G7ilmJ+J8ajoLIWXaBfLvP94QS0b5i9mg"
    "dO7Dlg2HIlYo8Tphx+w9kOmSSHUc8yOZNhUjsOofoJElMTrzW2kSSOskBYMhlUMLRoOtmB"
    "iMD+ufpyF1RwQsRLAKODIZYiM6saWZ+A7+tabx5CBR/kAc3kL39w7MNebT/T0yDWJzE55L"
    "5BEh00aWyThrpY3MNd5GcZj14jCrsmoNJtTW4sX670QlDmEmUV+WeFGEV06NwcxZmaSJyz"
    "QO4tWnbjGdijYyAP/jy/VVPsCRRNp1MXWO/idXg7VRwn8beLYuc2L7nmlx02Ytcb+/VySJ"
    "V8FICoQSXksI887nzh9pDZx/uj5LuyOigTPFJTTcqyzDJYS660+rJWdk5BYi52qWb7Nqeq"
    "5GaYo1Q3pL3qBSmU0WZrznsYWmzrSs0nSdNa0yFX8FLatMRZWpqDIVC0lJzzD5xSOR/c4S"
    "k1Hp7lxyUtTrEVFx/cmLt5pgDfnUH0BQFvwJ4H6rRAqemcNfhRf8a7t9cPC2vXdwfHJ0+P"
    "bt0cnebBLIFs2bDc4ufxcTQmI2/zl7WH2F3aTzuVF9NNf3hPedur3qy21Gbk2+5/bR8Wls"
    "gxjQIvAmRZV3XwQxPCyplKudEttgUuu6mMoNJGpjneemjc2FOT8W3YDd6qvn4lMGUul9B0"
    "mxBsbuDtplPgzQLv4wQLsA6kpTckJGzcXZubhPBuA+VoklRRJLxZJqhuumg0Z4wPN8+WLY"
    "ZwIK9cVRdwk8NuO5c0jxZJ2Uapzdsd8+KZME0D4pzgIQZTnM1csQLWeeaRn+42dollnZ7j"
    "ySpR/UUttDt9GXKyZHdFB1lRc/rN+4nJTVG2cqa22920AFB/dfalfCOC5TZ5y1y85VB4me"
    "7iLSGrbQhedSh7w5I6612Pa31ft50B8b7t8bUc+tlHqVEdwC+037cQfLon0nZs/bO23v5H"
    "Rv7w6q3WntPflTsP+tVus53KqIrQmeMiSetZy6Nm34qe1zK1hYIzj9oNoi8fykpIrn1zme"
    "rxIbi1+o5gaX1CbJpml9pZskdYsyz81LP6+yoe3cb2ULx0CpXX8upeNlN5BCE02CZ52MTz"
    "iacgif2EAr5nviY7rcjr+QIUI71EXguCChcfFtb5O/EhvwRIvEQIYnwEL397eMY5fviq9K"
    "vLq/z9/et4I2y6T0hLcJ6EzZSMV0HkVELUlECc1WC2TFJOqbtKH53mD0Gft+jG7dvJfiD+"
    "2KRsxMqIH2y/baK1kzFWa9qqoNRJRia61YsLFZtYyVSKJxsbm1cMnKry9Gfzs9vDJ+fcru"
    "K2l3pKTULo2f79KIGz1L7tSIh6u3DOSyuzVSA6xOOzbew2RX4FaGRbvz3MqBX6mCWwlocZ"
    "daFrh5j1THfc/C7lS4gNIVDNtDO45L/0NEOuwuGNomJ30KDytDMq/yfctVNawyGurlSKqM"
    "hsBQOixjJx0Wm0mHGStJZTSs/js8CzHOkvqIz6XLkaqxqXvLlPIi3KrkoXNWwJCfnnOoY0"
    "iCr3mPYsqC0LGDdZNPFaeplqIXmS1Vct22ESIDi9KcZPzCKWFWX+0oyfm0djj/lsczLqIY"
    "hrxdOpQ+yEfNWj/zjpuIi6nTJsqfNiE2fPhfkXLAIX7EOdtU5+KeK79BBcyubK0G4p3LYN"
    "8lTwUTSUqsAeGAeQT0xR/dBNyZRNkZ//zp+ur3sHo6e1Ylyq554hauCSPfq5DuSanaH5fS"
    "nwZHpQQdRxMX3mw/EUB4gX9h/hVkUf0hzU9uRhHCiGQOtgFTuJORwyMUaiNPtL4qsag9JI"
    "zPVEEHMzWgHfFdcKEtDGu0ORwS99UpVPTgoRAj2NVHPsGiEsrrY0puSQRSJZSrwLNKKP9F"
    "tF6UUK7SDVS6Qc1iI7sV0g1uYMzfXJ535+UbqLCUOgdpq2J3c5JYUsNufiSvVymbpVJE71"
    "beQI6MoDffMkG+oCR4bcNseBXi22iIL6mEssGShJBa0fP45o1vB2kionNspNn8spx91LA9"
    "eWnbKDao8tMwEzHTaOFYEtXmWT5pYJNTYGWbc50mQmhR5X0rKzK25nwqK2bX/TzHtRPkm1"
    "I3s38R7Xztnr9qoe6EimzVgemOBbMcNC9ozNmWSFuQzYjCPxZ2TtOE5VpucmcLElUsjH3M"
    "oAYZeMw/S3GHPOmWJw8Ij8YBehMSrLuIESIZ2LE5dKV5ywpTaW81Rj3Xf1fIEyeuja2ZmZ"
    "Mwh2KvarCBcxfdanRizz7tHLustni+gK3ETZ4Xr5/3tSaeG6lXWTsFWTsqRvxCMWK1r7bB"
    "MRq1r7ahioUXkHs5/JtYkS5sb5yx1tOvbyBd5+VJc2AsgkJPUfDjzp6ZeaeRxXdnu0Rscx"
    "IXw19QUzy42CIFNcOfJaPhaz5TlxHXJKwaQ5CQqe8nI16Mc4ks7bIGWiSx0CtQs7yCDZy0"
    "HXdhKuCcEmse2Guxhpv52QRtMprOpug3S03LR6VQP5qD+lEWdZUuudJJWR2qvAFwVfZVU/"
    "JwVPbVr6j1MtlXcSa45BwaF1ExRRWlVVHaegYTi6K0USQxMxGsANSGnxkdn/xqFZ+9NMjY"
    "oZzY+hSUpeWEaVM1dudFa82orjijtHzUlgDMxAh28UxMPpIhTQY9QdCOKPdcm8mLA9NlHK"
    "4wUCQyAXdYZEVkFSN//4wIsWY/UrSme+QGWWMH4DKdOnLUwx0yYVYVMN1kwLT6ccbLHmRc"
    "t8lq5RRnOLhLM5yhQK05/snI1EfirBk/nSI4MyhI4mj5vuoiBNHqDw16IDlfQSiGP6heZ/"
    "DrxXj6xzKOMBtV4z2Tcg3Ee/VDGdZaGf6o6AAlpdQsvfW03EYtju3kZ4pYuYzn+zIeRYe4"
    "sH5qOZ5EUDLXg8BRHXUu6nZNOcWmd2EUq3gRLQ5jNWH9bB8dlbFXjo6K7RVRljryG16qCg"
    "gH1RuI7lqSDcQXjomds4YWH80ZE1nqUM66oT0H3JUdrvmii9nz/wEviYgO"
)
