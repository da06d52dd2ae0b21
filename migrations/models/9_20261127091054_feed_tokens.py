"""Migration 9: feed tokens."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "feed_tokens" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "user_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE CASCADE
) /* A secret in a calendar subscription URL (calendar apps cannot send headers). Stored as */;
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "feed_tokens";
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "feed_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "feed_tokens" IS 'A secret in a calendar subscription URL (calendar apps cannot send headers). Stored as';
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "feed_tokens";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXe1z0zga/1c0+UI7E7ptaKFb9namZcvRW6A3JdztLGESxVYSX23JWHJLlu3/fpL8/h"
    "bsxE4doy+QWnos+/fIj55X6VvPIjoy6cFrhPQhuUW4dwa+9TC0EP+RbeyDHrTtqElcYHBq"
    "yt4z3m3MRD95HU4pc6DGeNMMmhTxSzqimmPYzCBinN45oEhzEAMGBhBo0ERYhw6g7jTsBj"
    "7evAV7YRMfnPKOGBPGabEOFgjqyKH7B+ADIw7SAZRj60Tjgxt43twwI2wwCj68OX86OHn+"
    "EhCMgI0c4FLkvAQOYZDx4YHBgIPuOCYUsAUCxNTFUAfiGV1sfHERB2yOeJPDn/TTZ37ZwD"
    "r6imjwp307nhnI1BN8MXRxA3l9zJa2vHaF2WvZUbz+dKwR07Vw1NlesgXBYW8DM3F1jjBy"
    "IEPi9sxxBY+wa5o+RwO2eU8adfEeMUajoxl0TcFpQe09QHStNx6/vx6OP1wOx+NeZhYEFD"
    "GO+Zc0gsUM4o9K5dvPxSM8HRwdvzg+ffb8+JR3kY8ZXnnx4A0dAeMRSnjeD3sPsh0y6PWQ"
    "GEegypk7XkC6yIL7agGdfHSTVCmU+eOnUQ4wbS/MFvw65t/BnC34n8+PV2D6n/ObV2/Ob/"
    "aeH++LAQn/2j1J8N5vGcgmAXsEM/8SBRRjyLIw/8ZbmGGhfKiTlCmodZ/0IPixDvDBhQj5"
    "SHJtA3r+gvo1Npc+y1dAP7x6d/lheP7u32I4i9IvpsTvfHgpWgby6jJ1de95ik3hTcB/r4"
    "ZvgPgT/Hn9/lLCSyibO3LEqN/wz554JugyMsbkfgz12OwMrgaoJbguxOK4ktiKUXxfdrX/"
    "q6pBeInlYHYbk13iwhRqt/fQ0ceZFjIguXJOAJvlwzVGQ8L/kcy44s8OsYZywPdVgo/+TX"
    "aKCQ/BHAuuRuM78D5cZ+NTj785f1/EvFXg/MOr898uew8J4JM4iyZrYKWvQAzn8n3Fk4nn"
    "8HG8QTP+kS0KVa9E+0rty/F6VlPAMCA25JwBPjWQ1H1AAy0HxJScA3Aj1RquLt0iZHsazQ"
    "xahrnkGg/iqAEyAzCrfzUxyghLHYuTy5sltKz7BTEDGqVqtVDV8lhTRc2KKOpRsbIr/ePp"
    "WM+el9CxnqUX70jHEk1JHUupskqVVapsQ6os+mob/G5rcD1J2UGu7wiXA0xWstlXL9Zgc5"
    "KyBjb7s1JxuQEuS7VxLS4nKBWX28zlFngfHns9bsL/8D2fwmtu3hlz/DtaNuxVaMenUrNf"
    "4TsOnfp8EBL1HN9DwI1in4N4oXKuhmIslW3eLtscWdAwq5iNIUF7LcaeBil6OiOmjvS0e6"
    "qM6Tg4KWM78l6FxqNsS1qPMz7wWP5RAewEUVOukO2uTEmkDw/LIH14WIy0aHtIqfJmAciX"
    "2LUya1NKmTe3jHXPQtbUk7xVpjjULQOfAfnfSLzNbHYG5H8j7N3xDMTuXJEvR2V8VEfFPq"
    "qjjI/K4Hawxoy7HM5cEA46xAVyPE6X4sqUEzbFlkAMbVfVvri+fpvQsi+uhimMP767uOTY"
    "S+h5J8PTKQJBHwFuQ0rvCVcWqvoFM4RrfQvbMW96U81Z2uylJOU3IMAkcwOvNeVLiaKjFa"
    "LoKCuKPB/rHVebxPOW114ydNuzSg6rcsC1bBmWASJzBvFnXgKKqHhwABkggZTdkqYTYV8d"
    "9UfB+6jViqPyfv/Y3m/X1tfkepJScb0tXM/xoMmnr5BuEvenprMQUqqdT//69xtkyih/sT"
    "confuwY9OhyCuU+JygbYxv0XJDpM5t43e07CpGXKu/5TfZEKML7y5dBYkix0AbQvQhvEdX"
    "EKrkNo25ZsJM9mJAg4S578OaSJ9vhZVUD7AVXMy+gMpxMkeiq9jNHBeS309qGy5QmPBPAV"
    "2QeyyNDpGjby7jqWai/RbZ7ABMJjZfuYyvkwkwdISZwd9LZKWJkgHToIwepE2WBodRHvF2"
    "ecSr+mg77J5txCfifROVPFIhRXtjDusiXLujlUvOyi6/OE3nIK4/EZBqxM5Tvv714fp9Ps"
    "ARRdoQNjQG/parQWMBhl9mLtZkhvXUNUxmYHogxvu1YsihDv+2QChhAwcw7707/yPNgVdv"
    "ry/Sxq24wYXyTHXcR1HGMxXwbrqsluqToVvL1dsyxb1uZ2+Lkl5bhvSOfEGl8uRMSNnYpW"
    "uJzjSt4nSbOa3yXn8ELqu8V5X3qvJeC52Srm6wyzsknzvrmIxa+yudk6LfGImOzafCfuoJ"
    "ryFbehOIt/l/cnA/V3IKXhjzH8Uv+PNg8OzZi8Hhs+enJ8cvXpycHoZCINu0ShpcXP1TCI"
    "SENP++97D6CrtN43Or/Oiu7cm/d+KMqy+3GbqGbM/dc8ensfVjQOvAmyRV1n0RxPxlUaXM"
    "/xTZFlOkm/JUbiHtH2pBtLgCzPnx5Q7sfVC/Lz6lIJWuYkmSdTB292xQZpuJQfE2E4MCqC"
    "uJ5ASNksVZWTxFM24+VoklRRQbxZJahuu2g0ZwxvJs+WLYQwKF+vqoO4i/NmW5MqRYWCep"
    "Oqd3HA1OyyQBDE6LswBE24Y7xtXnaLlwDVP3Xj/jZgnb+qucLFO/lyo23kVbrtg5onFWV/"
    "nwg/6dy0mpXzlTWWvNFhULH9xfBFfCOE7TZpx7V+fvz4F40j5AB/MDcOk6xEY/XSDHXK+Y"
    "sn47jz8P5uOPF8R1KqVeZQh3QH/rfRvxZRGPhPT8NOodnp4dHo54t1FvcCh/Cu//wcHBQ1"
    "D4Cs17uKRAvGs5dm1b8VPFmDUsrBGcXlBtnXh+klLF89scz1eJjcUfVHeDS6rktmtcz/nY"
    "1y+51UxCXWfT2r9X3l12cA6UKo90CLE2LUfmt+gSPE16fILZlOPwiU20Yn9PfE6Xq/gLPE"
    "RgjzjyMB7BcbFTvMH2RQGeuCPSge4KsMBk8oky6LC+2KNkfzLJL++r4Z5lUnqCYXx3prxJ"
    "xXQe5Yja0BElOFstkBWjaG/SRs+zBqNDEaYxd+v2rRRvaldUYkKiDuovu6uvZNVULvWqst"
    "YnUYxtNWO5jk2rZaxEFJ2LzTXiS1Z2fTH6u2nhlbHrU3pfSb0jRaWqNL5fpRFXejas1IiH"
    "q3cM5LLVGqkJ1qaKjddc2BWYlUFTf/UJtbJTBbOSo8UcYprczLsjGpy6JnSWwgSUpmBwP7"
    "BnO+R/SKTD9rmibTA0JfxlZUhmP9+2rOvGKqOhXYakymjwFaXjMnrScbGadJzRklRGQ/37"
    "8KzlcZauj7gs3cypGhPdO8aUR/GtSj90zgoY+KdXHBEaOMEbrlFMaRAatKFmsKXyaaql6F"
    "GkpUqu2zWHyMwkJCcZv1AkhP1VRUnORu2B/C2PZ5xEeRjyqnQIuZWvmtV+Vh1eEidTZ5eU"
    "P7tEFHx4u0jZ3CC+gzllqitxz6XfIgPCKzvLgfjDZbAfoq8FgiRF1oFwwCoH9OUfwwTcmU"
    "TZ0P/89vr9P4Pu6exZlSjbsOAWpglFX6o43ZNUrT98Z7r0D97xHxzcO/zL9hIBhBX4hHpX"
    "gEm027R/cjuMEEoktSHmmPKR9Bw/QiE38kjbyxKT4DmiLGQFmYVsAHtiX3DBLcjXaGM+R8"
    "7+Ge/o8pcCFEFHW3gOFpVQ3h5VckcikCqhXAWeVUL5D8L1ooRylW6g0g1aFhvpV0g3uOFz"
    "/ubq1XBVvoEKS6lTtdSpWp2Kbq5I80l9mKtjneNK+T6VYp6f5AByYvhP8zkTBvVbfMEW1A"
    "uoIOhWg6BJJpQNJyWIlM6T55HfesFMFxFdoUWG8mUzDbJjVYtp7TE2qfITVRNR5Wjh2BDV"
    "7umGaWCTIrCyVt6kihDonHm7iUXq6IrNxGKa7/ezgM/9jFziZCo8wd7H4av9AzC8JyKfd2"
    "Y4lvC9+7cXjt6waBQLdzwg/B8T2mdpl24jg4ywcDOLhXEKKe+BZi71TpvcQ1810xUxIhDN"
    "A/BT4ILuA4qQ9FFbxtyR2i0tTDb+1KPEdbxvBX1lyMHQDNWchDoU+1T9Etc++NQj9zjc/D"
    "p2WRXBPoKuxAyWl9Gwaj8rlpvLoPKaCvKaVBT9kaLoqvK4w1EsVXncUcbyD5C5Oe43sSJd"
    "YtfKaOvpz9enbvPy1LP5XOQMPQP+jxEO1byzSOMbYQeJQjBxMfjFe4oXF0VkvGfwM61clq"
    "onqf3UYc9zWs1DkKBp76Yaj+ZzIZrmOg7ifB4LAZUv8/KhzSFdJftqgbqWr8O3YZAwdCDw"
    "ZgiI3qbcZF+BspBz6akbGjRl9eCIYi1J07IEly0c+R63FCvgnCLrHtiNGB3d3L+jd79Yhi"
    "vhTxutfielUD9ZgfpJFnWVt1vr2qdO994CuCoNsCsJYSoN8Efkepk0wLjDvaQMjZOo0K0K"
    "hqtgeDtjtkXB8ChgmxEENYDa8cPL48KvVWHwKx1ZNmEIa0vOrF5ONDzVo78qKG5EfcVhue"
    "WD44jDjHS/nOzeYAsZOab8SQC/j2h3HUzlxZnhUMavUM5IYHDc+SIb+HVEIZeIZGd3y2po"
    "jNxYduwkZqoRW856PkImmq3i0tuMS1c/V3vTE7XbJqxq34g5mNylPZwBQatDKfcLQ1uIQ4"
    "+8rBX/8Co/V+bAs1XXcRDVf3rVLcrZjqMYfr97m8Fvl8fTOx90Aemimt8zSddBvOufynyt"
    "leGPigZQkkpJ6Z13y21V49hN/0yRVy5j+T6ORTFETu7OgvL6SuuB8R6NVNlo0LK9HA75TE"
    "oPf0w9XO1612xUPJrsZRGOKNobqG0TwjKjs3LyTJJqw7yZts3rarkxCOuV4YvT/NDgLYhp"
    "6HBZ6bTiOM1GBxWv963/MnOxJlCRJ0cxA9MDMd6vFWVA79O3kfcZiSOMxanFgxdPD4+fHp"
    "54pxjzKZJq+NlrENB5LZeQci1j1Hv4XM6CX8EadaBxW3WPXbV9VHB6feNHpSR0metFKQkt"
    "MXn9gtEbV750UT2pbO6XqCkdO7xnydjZW8MyGJU1nxaypnwxeBKWdfbB3CRTaJpLsDeZSO"
    "f7P7wrk8k+4BQz/0TS8IhSb/vrROCs7gFGWASYX3qVoXwGAGojzZgZGqCIgTtouiI4xzUE"
    "MJkImCcTPi7EFGDClRT+LAAyTsz/MdEdMldUlAbBBvkjr5pU2f3btPs7Gi3y5jvXoMM5/j"
    "cIEk1aUEATzP3y8zlO0tr9UB9NoxT80l0vMji2DOyyvJ2dVm46m0eu8omzUC+IY/wlkmVy"
    "jd1CiNNkCtqcWWxgrkYxQ0PrzOFcYgVzvrAIdKWxjZzxPUK3FaVFLr0COx/sBXGdtZHOEi"
    "uYszAr47oYamVcN5GhatnEYReQaYteXnpqrLm/MjdVdixpVl9zo1XMQkkNpuLuYOYQS2SA"
    "yoyTMyCsYtuEuA8g1sHe/QJhwEc3DaTvy0biMo1YObmodd9cnd7aMkt326XfbcuraT4Ea1"
    "U8ldCq9VTChlwJ4oMHf8vvfLmO++C0BM6nhSif5oS5C/dNKQxx78ReKRxnjHQfakP+CmrA"
    "2+G2IfJZK4V4YyTtiPCKYatGeOsImTcSl6WuZUEnJ9u6mCExEsWQ2hliMGRV+j5CgnYwY5"
    "38h9YyQ22roHIYlMHdlQRu/6iJHFs7OoSi2MyODrsoV/gZ7MEF9m5uPr69BNSdUsT2RZQX"
    "gntomk81cbygNJiBgWXcOAi1PaHgL1GJCS6hZ/1nSj5ru/sIR9uFAYNy6vBQRFFJOpmE28"
    "5NJtJmn0xSu6VNJn1u3oP4dspP6Ahj8tTfaxmIsD+Yu5yB1D94UcTOvZP+rE23TlYugG26"
    "ANQmyGoT5C0lvK9a9JrYBNlx82Z2seId9N++3r2Ga2DmoC99vhBwOXoHObGIBIlAch9YBL"
    "OFueS6KhfjYSp/H7iYGSL9QyP8F/9fFDH52mz7FHXvwQNtr4JbJ0bVZgHVe/Pm7N27vjiQ"
    "2DudvfImfiUE1UnxBn4ZIbV+pkhtWSKtWxtqto/EvBR6WrXVNqJp83xec8Gtvzyb3hr2uL"
    "jy5IIQE0FcID7StCnEuSJtNgV5oFNud929uL5+m5DdF1fphfXju4vLm70jyQLeyfB2A8rO"
    "bnnIio682qdKDq8spfJ81b6gcoN+Hd6kyBRjmtB0dmzT/x7k/LhDFRngU50B7/9Wb+avdk"
    "RXO6I/DtiNeCD4iAzh6vsDpek64INoWv1UZbE9tQ36joGr4nVdj9eptOguc70oLVptg662"
    "QW8/oplcArUNutoG/dFBbe026OfIMfLrS/yW/qqcFxj1qXXnQpXC8YgpHIU2Z7FlX2x0di"
    "GqNDgpEx3lvYqdKCeZCKn4qCog7HfvILrN7AXpuZqqhCZiJLuQsdGqAMSjJnA+/B+OTQot"
)
