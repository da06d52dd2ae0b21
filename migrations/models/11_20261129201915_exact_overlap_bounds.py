"""Migration 11: overlap checks stay exact whatever a room ever held.

The overlap triggers (SQLite) and lookups bound the bookings they read by ``new start - the
room's longest booking``. A booking of thousands of years pushed that bound outside SQLite's
``datetime()`` range, which gave NULL, and the check saw no booking at all (two confirmed
bookings of one room were accepted). The bound now falls back to "no bound" whenever it
cannot be computed. On PostgreSQL the longest span saturates at 2**31 - 1 seconds instead of
overflowing the integer column (a 500 for any booking over 68 years); a saturated span
disables the bound in the lookups (``db.sql.start_bound``).
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
        "downgrade": r"""
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE OR REPLACE FUNCTION compax_rooms_max_span() RETURNS trigger AS $$
BEGIN
    UPDATE "rooms" r SET "max_span_seconds" = m.span
    FROM (
        SELECT "room_id",
               LEAST(CEIL(MAX(EXTRACT(EPOCH FROM ("end" - "start")))), 2147483647)::integer AS span
        FROM changed GROUP BY "room_id"
    ) m
    WHERE r."id" = m."room_id" AND r."max_span_seconds" < m.span;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
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
    "eJztXW1z27i1/isYfYk9o3htxU5cb9sZO3Uad5P4jqPc22m0I0EkJLGmAC0BWtHu5r/fA5"
    "AU32VSoiSKwZdEJnAI8jngwXkF/mhNmUlsfvKOELPLHgltXaE/WhRPCfxIN7ZRC89mYZO8"
    "IPDQVr1H0K0vZD91HQ+5cLAhoGmEbU7gkkm44VgzYTE5TusacWI4RCCLIowMbBNqYgdxd7"
    "jshr48fEBHyyYYnENHSpkAWmqiCcEmcfjxCfosmENMhNXYJjNgcIuOtzdMj1qCo8/vr192"
    "Ll7/jBglaEYc5HLi/IwcJrCA4ZElkEOeABOOxIQgZptyqBP5jC61fnMJADYm0OTAk379FS"
    "5b1CTfCA/+nD32RxaxzRhfLFPeQF3vi8VMXbuj4p3qKF9/2DeY7U5p2Hm2EBNGl70tKuTV"
    "MaHEwYLI2wvHlTyirm37HA3Y5j1p2MV7xAiNSUbYtSWnJbX3AOG1Vr//6b7b/3zb7fdbqV"
    "kQUEQ45l8yGJUzCB6Vq7cfy0d42Tk7f3N++er1+SV0UY+5vPLmuzd0CIxHqOD51G19V+1Y"
    "YK+HwjgEVc3c/gTzSRrctxPsZKMbp0qgDI+fRDnAtL4wT/G3PnwHYzGBP1+fr8D0f68f3r"
    "6/fjh6fX4sB2TwtXuS4JPf0lFNEvYQZvgSJRR9LNIw/wNahDUl2VDHKRNQmz7pSfBjHeCD"
    "CyHyoeTaBfTwguY9tRc+y1dA3737ePu5e/3xf+RwU85/sxV+191b2dJRVxeJq0evE2xa3g"
    "T93133PZJ/ov/cf7pV8DIuxo4aMezX/U9LPhN2BetTNu9jMzI7g6sBajGuS7HYLyW2IhTP"
    "y676f1UVCC+5HIweI7JLXhhi43GOHbOfamEdlinnJLBpPtxT0mXwj2LGHTw7pgbJAN9XCb"
    "74NzkoJnwP5lhwNRzfwfPlOhudevDm8L5EeKvA9ee31/+4bX2PAR/HWTZNO9PkFUzxWL2v"
    "fDL5HD6OD2QEH9kkV/WKta/UvhyvZzkFjCI2w8AZ5FMjRd1GPNByUETJOUEPSq0BdemRkJ"
    "mn0Yzw1LIXoPEQQA2xEcJp/Wsbo/So0rGAXN0spmXNJ8wOaLSqVUNVy2NNGTUrpKhGxUqv"
    "9PvTsV69LqBjvUou3qGOJZviOpZWZbUqq1XZLamy5NvMgrutwfU4ZQO5fiBcDjBZyWZfvV"
    "iDzXHKCtjsz0rN5S1wWamNa3E5Rqm5XGcu18D7sO/1eBv+h+d8Cu/AvLPG9Bey2LJXoR6f"
    "SsV+hWccOtX5IBTqGb6HgBv5Pgf5QsVcDflYatu8XrY5mWLLLmM2LgnqazG2DMzJyxGzTW"
    "Im3VNFTMfORRHbEXrlGo+qLW49jmDgvvqjBNgxom25Qna7MsWRPj0tgvTpaT7Ssu17QpW3"
    "c0C+pe40tTYllHl7x1i3pmQ69CRvmSmOzalFr5D6ryffZjS6Quq/HvXueIUidy7Jl7MiPq"
    "qzfB/VWcpHZYEdbAjrKYMzNwxAxzRHjkfpElwZAuG22BKIod2q2jf39x9iWvbNXTeB8ZeP"
    "N7eAvYIeOlmeThEI+hDwGeZ8zkBZKOsXTBGu9S3sxrxpDQ1nMRM/K1K4AUM2G1t0rSlfSB"
    "SdrRBFZ2lR5PlYn0Btks9bXHtJ0e3OKjktywF3OlNhGSQzZwg88wJxwuWDIywQC6TsjjSd"
    "EPvyqO8F77NaK47a+/1je7/dmbkm1+OUmut14XqGB009fYl0k6g/NZmFkFDtfPp3vzwQW0"
    "X5871BydyHA5sOeV6h2OeEZ1b/kSw2ROp6Zv1CFk3FCLT6R7jJhhjdeHdpKkicOBbZEKLP"
    "y3s0BaFSbtOIa2aZyZ4PaJAw9zyssfT5WlhJ1QBbwsXsC6gMJ3MouvLdzFEh+XxSW3dClg"
    "n/HPEJm1NldMgcfXsRTTWT7Y9kJk7QYDCDlcv6NhggyyRUWPBeMitNlgzYFhf8JGmybHEY"
    "7RGvl0e8rI+2we7ZrfhEvG+ilEdqSVHfmMO6CFfuaAXJWdrlF6VpHMTVJwJyg82ylK9/fb"
    "7/lA1wSJE0hC1DoD/VarC1AMNfRy41VIb10LVsYVF+Isf7e8mQQxX+bYlQzAYOYD76eP3v"
    "JAfefri/SRq38gY32jPVcB9FEc9UwLvholyqT4puLVdvzRT3qp29NUp6rRnSB/IFFcqTsz"
    "EXfZevJTqTtJrTdea0znv9Ebis81513qvOe811SrqmJW6fiHrutGMybG2vdE7Kfn0iO24/"
    "FfZrS3oNxcKbQNDm/wng/lrKKXhjjX8Uv+BfOp1Xr950Tl+9vrw4f/Pm4vJ0KQTSTaukwc"
    "3dP6VAiEnz572H5VfYXRqfO+VHc21P+N6Z0y+/3KbotmR7Hp47PomtHwNaB944qbbu8yCG"
    "lyWlMv8TZDtMkd6Wp3IHaf/YCKLFJWDOji83YO+D6n3xCQWpcBVLnKyBsbtXnSLbTHTyt5"
    "no5EBdSiTHaLQsTsviIRmB+VgmlhRSbBRLqhmuuw4a4ZHIsuXzYV8SaNTXR90h8NpcZMqQ"
    "fGEdp2qc3nHWuSySBNC5zM8CkG0b7hhXnaPlxrVs03v9lJtl2dZe5WQZ+r10sfEh2nL5zh"
    "EDWF3mww/6Ny4npXrlTGetbbeoWPrgfme0FMZRmjrj3Lq7/nSN5JO2ETkZn6Bb12Ez8tMN"
    "cez1iimrt/PgeSiM358w1ymVepUiPAD9rfVHD5ZF2pPS82uvdXp5dXrag269VudU/ZTe/5"
    "OTk+9B4Su253jBkXzXYuzateKnizErWFhDOL2g2jrx/DiljufXOZ6vExvzP6jmBpd0yW3T"
    "uJ7xsa9fcmvYjLvOprV/b727HOAcKFQe6TA23bQcGW7RJHi26fEJZlOGwycy0fL9PdE5Xa"
    "ziL/AQoSPmqMN4JMflTvGWOJYFePKOxESmK8FCg8FXLrAj2nKPkuPBILu8r4J7FknpCYbx"
    "3ZnqJiXTebQjakNHlORsuUBWhKK+SRstzxoMD0UYRtytu7dSvKldUolZEjVQfzlcfSWtpo"
    "LUK8tan0QzttaMBR2bl8tYCSkaF5vbii9Z2/X56B+mhVfErk/ofQX1jgSVrtJ4vkojqvRs"
    "WKkRDVcfGMhFqzUSE6xOFRvvQNjlmJVBU3v1CbWqUwmzEtASDrNtMPOemIGHro2dhTQBlS"
    "kY3A8dzRz2XyLTYdugaFuCDBm8rArJHGfbllXdWGc01MuQ1BkNvqJ0XkRPOs9Xk85TWpLO"
    "aKh+H561PM7K9RGVpZs5VSOi+8CYshffqvJDZ6yAgX96xRGhgRN8yzWKCQ3CwDNsWGKhfZ"
    "p6KdqLtNTJdYfmEBnZjGUk4+eKhGV/XVGSsVF7IH+L4xkl0R6GrCodxh7Vq6a1n1WHl0TJ"
    "9Nklxc8ukQUf3i5SMzCIn3BGmepK3DPpd8iA5ZWD5UD04VLYd8m3HEGSIGtAOGCVA/r239"
    "0Y3KlE2aX/+cP9p38G3ZPZszpRdsuCW5omnPxWxukep6r94TvDhX/wjv/gaO7Al+0lAkgr"
    "8AX3riCbGY9J/+RuGCGVSD7DFDCFkcwMP0IuN7JI68sSm9Ex4WLJCjZasgEdyX3BJbcwrN"
    "HWeEyc4yvo6MJLIU6wY0w8B4tOKK+PKnkgEUidUK4Dzzqh/Afhel5CuU430OkGNYuNtEuk"
    "GzzAnH+4e9tdlW+gw1L6VC19qlajopsr0nwSH+bqWGe/VL5PqZjnVzWAmhj+0/yaCoP6Lb"
    "5gC+oFdBB0p0HQOBOKhpNiRFrnyfLI77xgpomIrtAil/JlMw2yYVWLSe0xMqmyE1VjUeVw"
    "4dgQ1ebphklg4yKwtFa+TRUh0DmzdhML1dEVm4lFNN/ns4Cv/Yxc5qQqPNHRl+7b4xPUnT"
    "OZzzuynKn0vfu3l47eZdEole54xOAfG8+uki7drQzSo9LNLBfGIebQg4xc7p02eUS+GbYr"
    "Y0QonAfop8AF3UacEOWjnlpjR2m3PDfZ+GuLM9fxvhXyTRCHYnup5sTUocin6pe4ttHXFp"
    "vT5ebXkcu6CHYPupKwRFZGw6r9rERmLoPOa8rJa9JR9D1F0XXlcYOjWLryuKGMhQ9QuBnu"
    "N7ki3VJ3mtLWk5+vT13n5ak1g7kIDL1C/o8eXap5V6HG16MOkYVg8mLwC3rKF5dFZNAz+J"
    "lULgvVk1R+6rDnOS3nIYjR1HdTjb35XJhhuI5DgM99KaCyZV42tBmkq2RfJVBX8nX4NgyR"
    "hg5G3gxB4dsUm+wrUJZyLjl1lwZNUT04pFhL0tQswWUHR75HLcUSOCfImgf2VoyOZu7f0Z"
    "pPFsuV8KeNVr+LQqhfrED9Io26ztutdO3Tp3vvAFydBtiUhDCdBvgjcr1IGmDU4V5QhkZJ"
    "dOhWB8N1MLyeMdu8YHgYsE0JggpAbfjh5VHhV6sw+J1JpjMmCDUWwKxWRjQ80aO9KihuhX"
    "3lYbnFg+MEYCamX042t8RERY45PAmC+8h216FcXRxZDhdwhQMjkQW4wyIb+HVkIZeMZKd3"
    "y9rSGJmx7MhJzNxgMzXrYYRUNFvHpXcZly5/rvamJ2rXTVhVvhFzMLkLezgDglqHUuYTy5"
    "jIQ4+8rBX/8Co/V+bEs1XXcRBVf3rVI8nYjiMffr97ncGvl8fTOx90gvmknN8zTtdAvKuf"
    "yrDWqvBHSQMoTqWl9MG75XaqcRymfybPK5eyfPdsUYgHTxC2VhkVy07F7ArR96VrYdPCm8"
    "Sgt1PhKf2YosEgYtS8BKtGJsgyqcCD9g/tOFjtX3C1YS6oA5bgCIy4DLui2gF6FN6Icngp"
    "mVjrgLXhmBxhnrqruunxFTJsbKlcXnV+u3dIB3Me2/IXVX/C7ebEafeoNxBWltAiwwICGw"
    "bGGcP3kWnzBMK2kOGzVJ+08aONnyYuq7EJXlQ1jBHVWS9UGTPLp0WW6VtBavPXvraB6jGl"
    "tQ3UKBsoL1E1P9UxLze1TvkIrVAHecGR98jBAdNcWLaNHJfSvZ0mNmRmhgDJr6II+jchbW"
    "zX9RMTUClJuXPWIyQbnbC+XjbZX0cu9TRxucGIAK34RA7799buGbKV89O1b6CpBRA1cQZ0"
    "iZN5zIC63l5l8gvosZUtNww8nXmLpnombZfu0y7VW+BvN0U+nOxFEQ4p6pu1XSeEVXln6U"
    "qaONWGRTR1m9flCmUINUvDF6X5ocGbMNsy8aKcSh2hqYdOLccrq1O3vv7R8z6jHvzVa3VO"
    "O29enp6/PL3oQeeenCKJhr94DRI6r+UWc9Ayeq3vvxYzPXetnevijwp0j0M1dnSm+vPWj6"
    "5P+BG5nlefUBOT19896sFVL523uZRqbhfYYKrvQM+C0e4P1lSGkeUGUFMyHcJi8GK5x1Mb"
    "jW02xLa9QEeDgcrE+5t3ZTA4RkAhqeQmUMFWusg7CysW7a56gB6VAaWfvW2iYAYgPiOGNb"
    "IMxIlAT9h2ZaYuaAhoMJAwDwYwLqYcUQZKCjwLwkJG1AWyyROxV2wvFWQeqh9ZW0tpu3+X"
    "dn9DU0e9+Q4a9HKO/4mCqpMa7KYRzP3i8zlKUtvDUfamUUp+ma4XI+9PLeqKrG2eV55Ak0"
    "Ve42De3qCeMMf6XVbOZBq7uRAnyTS0GbPYoqBGCcsg68zhTGINc7awCHSl/ow4/TkhjyWl"
    "RSa9Bjsb7AlznbWRThNrmNMwa+M6H2ptXG8juXw6Y464wcKYtLLSyiPN7ZUJ5apjQbP6Ho"
    "xWOQsVNRrKu6ORw6YyNVplRF+p7O2ZjWkbYWqio7nMvYbRbYuYx15qtysMNs0oTK365hnm"
    "r7Z092np7nofuJol0uwgBCu/7zIAB/1r7UqQHzz6U33ni3XcB5cFcL7MRfmyaG7qiml8IB"
    "unAs6UmD7UlvoVbAhXD7cNU89aKsQbIalHhLdRWZPcnU6xk5E1nM+QCIlmSOUMsQSZlvo+"
    "lgT1YMY6+Q+1ZYbeY1HnMGiDuynV3P65kxm2dngiZb6ZHZ58WWwXqGBDbnT08PDlwy3i7p"
    "ATcSyjvBjNsW2/NGxmPCqDGVleeXMQanvB0e9yWyZ0iz3rP7X/U2V379Fw73Bk8bCc2yuq"
    "HgyWe9APBspmHwwSW6cPBm0w71H0bKUXvEcpe+kfvIRk2B+NXSzLv+WJTAsVO2cjSTPd9B"
    "wl7QLYpQtAn4ikT0TaUcL7riv6HDdrZucr3kH/3evda7gGRg75rQ0LAcjRJwzEMhIkA8lt"
    "NGVUTOwF6KptFKbyt5FLhSXTPwwGv+B/WcTka7P1U9S9Bw+0vRJunQhVnQVU6/37q48f2w"
    "jWdGyv48q5KCCoLvJ3808JqfUzRSrLEqnd2lCxfSTnpdTTyq22IU2d5/OaC+4W9il4tGb9"
    "/MqTG8ZsgmmO+EjSJhAHRdreFuSBTrnbdffm/v5DTHbf3CUX1i8fb24fjs4UC6CT5W0NnJ"
    "7d6sRVk3i1T6UcXmlK7fmqfEEFg34d3iTINGO2oekc2AmALbkB3BMpyQCf6gp5/9f6ZD99"
    "PJo+Hm0/YG/FAwEjqu0py26UlaRrgA9i2+qnLott6TPRDgxcHa9rerxOp0U3met5adH6TD"
    "R9Jlr9EU3lEugz0fSZaHsHtbZnol0Tx8quL/Fb2qtyXnDYp9KdC3UKxx5TOHJtznzLPt/o"
    "bEJUqXNRJDoKvfKdKBepCKn8qEog7HdvILrb2QvSczWVCU1ESA4hY6NWAYi9JnB+/39XHz"
    "Sq"
)
