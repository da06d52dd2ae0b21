"""Migration 15: managers and favourites (hand-added: the CHECK that a manager names exactly
one of a building and a room)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "favourites" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_favourites_user_id_4cc5d9" UNIQUE ("user_id", "room_id")
) /* A room a member starred. */;
CREATE TABLE IF NOT EXISTS "managers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "building_id" INT REFERENCES "buildings" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_managers_user_id_2a8db5" UNIQUE ("user_id", "building_id"),
    CONSTRAINT "uid_managers_user_id_72435b" UNIQUE ("user_id", "room_id"),
    CONSTRAINT "managers_one_target" CHECK (("building_id" IS NULL) <> ("room_id" IS NULL))
) /* A user who manages one building (all its rooms) or one room: exactly one of */;
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "managers";
DROP TABLE IF EXISTS "favourites";
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "favourites" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_favourites_user_id_4cc5d9" UNIQUE ("user_id", "room_id")
);
COMMENT ON TABLE "favourites" IS 'A room a member starred.';
CREATE TABLE IF NOT EXISTS "managers" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "building_id" INT REFERENCES "buildings" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_managers_user_id_2a8db5" UNIQUE ("user_id", "building_id"),
    CONSTRAINT "uid_managers_user_id_72435b" UNIQUE ("user_id", "room_id"),
    CONSTRAINT "managers_one_target" CHECK (("building_id" IS NULL) <> ("room_id" IS NULL))
);
COMMENT ON TABLE "managers" IS 'A user who manages one building (all its rooms) or one room: exactly one of';
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "managers";
DROP TABLE IF EXISTS "favourites";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXW1z27qV/isYfYndUVxHjhPX2e6Mnes03pvEHcfZdhrdkSASkrCmCF2CtKLe5r8vDk"
    "iK7wwpURLE4EsiEzgg+QAEzvv5ozNjJrH4yTtCzAf2SOzOJfqjY+MZET+yjV3UwfN51AQX"
    "XDyyZO+x6DZwoZ+8jkfcdbDhiqYxtjgRl0zCDYfOXcrgPp0rxInhEBdRG2FkYIvYJnYQ90"
    "arbujL/Qd0tGoSN+eio20zV9DaJpoSbBKHH5+gzy5ziImwvLfJDHFzak+2d5u+TV2OPr+/"
    "et47f/UGMZugOXGQx4nzBjnMxa64PaIucsiTwIQjd0oQs0y41Qk8o2fT3z0iAJsQ0eSIJ/"
    "36m7hMbZN8Izz8c/44GFNimYl5oSYMIK8P3OVcXru13XeyI7z+aGAwy5vZUef50p0ye9Wb"
    "2i5cnRCbONglMLzreDBHtmdZwYyG0+Y/adTFf8QYjUnG2LNgpoHaf4DoWmcw+HT3MPh88z"
    "AYdDKrIKSIzVhwyWA2rCDxqFy+/QQe4XnvxcvXLy/OXr28EF3kY66uvP7u3zoCxieU8Hx6"
    "6HyX7djFfg+JcQSqXLmDKebTLLhvp9jJRzdJlUJZPH4a5RBTdWGe4W8D8R1M3Kn489XLEk"
    "z/9+r+7fur+6NXL4/hhkx87f5O8Clo6ckmgD2CWXyJAMUAu1mYfxEtLp2RfKiTlCmozYD0"
    "JPyxDvDhhQj5aOfaBfTiBc0721oGU14C/cPtx5vPD1cf/w63m3H+uyXxu3q4gZaevLpMXT"
    "16lZqm1SDoH7cP7xH8if519+lGwsu4O3HkHaN+D//qwDNhz2UDmy0G2IytzvBqiFpi1mFb"
    "HNTatmIUP9671P+qGti84DgYP8b2LrgwwsbjAjvmINPCeix3nwNgs/NwZ5MHJv6Rk3Ernh"
    "3bBskBP2AJvgSDHNQkfA/XWHg1ur+DF6tzNr70xJuL9yWufwpcfX579ctN53sC+CTO0DTr"
    "zdJXsI0n8n3hyeA5AhzvyVh8ZNNC1ivRXsp9OX7PegyYjdgci5lBATWS1F3EQy4HxZicE3"
    "Qv2RrBLj0SMvc5mjGeUWspOB4iUENsjHCW/9rGXfq25LEEuRwswWUtpswKaTSrpSCr5U9N"
    "HTYromiGxcqe9Pvjsc5eVeCxztKHd8RjQVOSx9KsrGZlNSu7JVaWfJtTMdoas56kbOGsH8"
    "gsh5iUTnPAXqwxzUnKBqY5WJV6lrcwy5JtXGuWE5R6llWeZQW0D/s+j7ehf/iRTuGdEO/o"
    "xP6VLLesVVDjU2lYr/ADhU5zOgiJeo7uIZyNYp0DvFA1VUMxllo2V0s2JzNMrTpi44pAXY"
    "mxY2BOno+ZZRIzrZ6qIjr2zqvIjqJXofAo25LS41jceCD/qAF2gmhbqpDdnkxJpE9PqyB9"
    "elqMNLR9T7HyVgHIN7Y3y5xNKWbe2jHWnRmZjfydt84Sx+aM2pdI/teHtxmPL5H8r2/7I1"
    "6i2Mg15+VFFR3Vi2Id1YuMjooKOdhw6VPOzFwzATq2C/bxOF1qVkaCcFvTEm5Du2W1r+/u"
    "PiS47OvbhxTGXz5e3wjsJfSiE/V5inCjjwCfY84XTDALdfWCGcK1voXdiDedkeEs5+4bSS"
    "oGYMhiE2qvteQrbUUvSraiF9mtyNexPgm2CZ63OveSodudVHJadwa82VyaZRB4zhDxzEvE"
    "CYcHR9hFLNxld8TpRNjXR30veL9QmnHU2u+fW/vtzc01Zz1JqWddlVnP0aDJp6/hbhLXp6"
    "a9EFKsXUD/7td7Ykkrf7E2KO37cGDLoUgrlPic8JwOHslyQ6Su5vRXsmwrRoKrfxSDbIjR"
    "tT9KW0HixKFkQ4g+r8ZoJUKcCQnGNtlToLTcACjO3gcjtRUtahLbpe7GawqUyLf+WK3doM"
    "b4iXmOELw3xOpdOE5bgQpNEBuh9FEO0qoPr5Z1J7buVgE3xYiGfr0VVl88ykcJZU4zwNaw"
    "hAV8VI4tLOKwiq1hcV7ux763D1OyikviiE/Zwpa6EQglspZxj1hofyRz9wQNh3PBYNNvwy"
    "Hy92fxXuA8C5FNFuUuP0lrVrZ4G224U8twV9eU1GIr0lZUt/43UUtxvqJQ1zS6LsKN24PE"
    "zlnbMhGnaR3Ezfsrc4PN83jU//l89ykf4Igira+jhov+I0+DrdlB/2vs2YYMBBl51HKpzU"
    "/gfv9d0zLahBkOEEqo6kKYjz5e/TM9A28/3F2ndXAwwLVWoLdclVpFgR7O3WhZzyMxQ7eW"
    "RUoxxr1pm5RCvvmKIX0gX1Ald14Lc3fg8bW2zjStnmmVZ1q75/8Ms6zd87V7vnbPL1RKei"
    "Z1b56IfO6sYjJq7ZYqJ6HfgEDH7Xvsf+34Bh9/AYm24E8B7m+1lILXdPKz6AX/0uudnb3u"
    "nZ69ujh/+fr1+cXpahPINpXtBte3f4MNIbGb/1h7WP+E3aXwudP5aK/sKb535gzqH7cZui"
    "3Jnoenjk9jG9iA1oE3Saql+yKIxcuSWgFKKbIdRnJsS1O5g+gkbITW4how59uXW5CipXld"
    "fIpBqhxslyRroe3urFclG06vOBtOrwDqWltygkbvxdm9eETGQnysY0uKKDayJSmG666NRn"
    "js5snyxbCvCDTq66PuEPHa3M3dQ4o36yRV6/iOF72LKk4AvYtiLwBo2zCxZXOKlmuPWqb/"
    "+hk1y6qtW6ZkGQW9dE6EQ5TlipUjhpjqOh9+2L91PinNM2faa227uQ9AB/dvZtfCOE6jMs"
    "6d26tPVwietIvIyeQE3XgOm5M/XxPHWi/mu3k5TzyPLe4/mDIvL+qkmG/LEB4A/9b5oy+O"
    "RbsPu+fXfuf04vL0tC+69Tu9U/kTtP8nJyffw/h8bC3wkiN412rTtWvGT8eMN3CwRnD6Rr"
    "V17PlJSm3PV9merx0biz+o9hqXdGaAts16zse+fmYAw2LcczYNkXzrj3KAa6BSgKTD2GzT"
    "rAliiLbC46tuNo3erh5AqiaPsGH8aE2tWPjF5SjFYh9jsU4s/t1Xi4oMtWjoiDmyrhp8FV"
    "D0g7rHEKQIIxITmR6AhYbDr9zFjtuFdFPHw2F+CGQDY1ZxewpvE6h85SA1XZ60sm5DZR3M"
    "bD1jX4xCXceWji8xR/VtRjGV9O4lOX9p12T0VkQt5PEOl6fLsvJi16s7tQGJnlilJ1bIIb"
    "yeV09E0Tr75Vb07Vr3UYz+YUrBVXQfKb6vIt+RotKRLD+OZIkzPRtGs8RN+gcGctWIltQC"
    "Uymq5Z3Y7ArEyrCpW15sXHaqIVYKtFyHWZYQ856YgUeehZ0liIBSFAzHQ0dzh/0fAZfhrm"
    "C0qUtGTLysNFsd58uWTQ2svT7UEiS110fAKL2swie9LGaTXma4JO310XyuorW08lL1Ed9L"
    "N1M8x7buA5uUvehWpa4+5wQMdfgl1Z5DQ8GW4zhTHISB59iATJ5ap6mPIu2A2LKjaCsKkb"
    "HFWE7AQuGWsOqvo25yam6E+291POMkWsOQF8nE2KN81Sz3U1aHKk6my1BVL0MFQTF+pq25"
    "EIifcE4obynuufQ7nIDVlYOdgfjDZbB/IN8KNpIUWQvMAWUK6Jt/PiTgzjgTr/TPH+4+/S"
    "3snvYw1s7EW964QTTh5Pc6SvcklfJ11EbLoIZa8OBoARUCfEcAkAKfcf8KspjxmNZP7mYi"
    "gInkc2wLTMWdzBw9QuFs5JGqOyUWsyeEu6upYOPVNKAjyJ0Os4XFGU0nE+IcX4qOnngpxA"
    "l2jKmvYNFO9+qwkgdigdRO99rwrJ3uf5JZL3K61+4G2t1AMdtIt4a7wb1Y8/e3bx/K/A20"
    "WUoXSNQFEveGkC5jp8OQNsJo26byEp+x1C5fbjgf1HIeq2VA/ypvIBdG8DS/ZWzqQUtwSo"
    "bBJ9qivlOLenISqtomE0Sagc4z7+w8+qqNiJaIJKv9ZTNxpGVhwt2UKBJbVPlezwnGJzo4"
    "NkS1fYJGGtjkFlhbxNsmixAKMHnp+yLZpiR7X0yM+rFL+VXg3s2cTLgwOvry8Pb4BD0sGD"
    "iHj6kzA0NOMDxYDVYRyDbYdhAUErfw/DJtH9jKTfo22CzgYBxhLnqQscf98q5H5JtheWBw"
    "RNE6QH8O7RldxAmRBo8ZnTiSu+WFnutfO1wIAf63Qr65xLGxtWJzEuxQ7FMN4qW76GuHLe"
    "xVtvnYZR1RvQdeyaVunntMWQI5N9cxRjvJFTjJaZeMPblk6DD2FptEdRh7SydWfICul6N+"
    "gxPpxvZmGW49/fkG1CofT525WItiQi9R8KNvr9i8y4jj69sOgahCuBj+Ej3hxSEiUfQMf6"
    "aZyyqHXfNlvn01fD0NQYJG3Qwte9O5MMPwHIeIeR7ABpW/5+VDm0Natvcpo6zuBDIMAUEH"
    "I3+FoOhtqi32EpRhn8sUFzaIvH/IJGdwLs7mm0d7uCXVO9iOYY2MKbYnvqui+CX2nMWUGt"
    "MwAlp8t10EKwj+FXKBECNXG7B6CX8jqbWqsBNRrHWcKGbc2VJwavI7itQBNXBOkbUP7K1I"
    "lu3M+NNZTJcrdufPG7E455VQPy9B/TyLuvb0b5TBCT1URzWreGXodExhMbjacbgtLqTacf"
    "hnnPUqjsNxq0rFPTROou3z2uNBezyoaZgv8niIrPKZjaABUL/wSh6MhwpqfPNTytfh1iSz"
    "OXOJbSzFZHVyXB5SPbplng806gslyKt7QBABMzGDANQFdafSPYCLJ0FiHGj3HJvLi2PqcF"
    "dc4WIiERW4i0M2VN5B6Ce4K2Tz623pHrkOC7H69txgc7nqxR0yLgva+WCXzgexWamIbIxC"
    "H695qdvDxV1ZwxkSKG0vC5TOc+K7JgUlAQOHqBNfVl1HQdR8TcBHkpPApxj+oLvK4Kul8f"
    "SrLk8xn9bTeybpWoh380tZnLXS/FFTAEpS6V364NVyO+U4DlM/U6SVy0i+e5Yo3Ht/I+yU"
    "CRWrTtXkCncQ7K6VRQt/EQu+3XZ9ph/baDiMCTXPhVQDXtAMGHjB/Yt2HJ72z3g3sEFTly"
    "MhxOXIFc3eoG+LN7I59o3rjpA2HJMjzDOjykGPL5FhYSodtslYyNx+WR/mPHbhly3/FMMt"
    "iNPt2/6NsJSEljkSkJBhxH0m4vvIlXnCzbaS4LNin7Two4WfNh6riQVelTVMEKnMF0q3qN"
    "XTIvC8kVKQTBc90DKQGktay0CtkoGKvJGL/VmLHJBV8kfoRDzIMx647L2R41yKv6hlIcez"
    "7b3VHxwxM2cDKQ6VCfu3wW1s10EyU8FS5qa7KPZ3jZGo4eYKt63r5trEhGzFSVXrBtoa5a"
    "KIMuCBOLmFSeT1bpnI74oeW8mrYuDZ3D805TNpuXSfcqkumrFdF/losVdFOKJQ12tbJYRl"
    "DG/tcKkk1YaRUqqt65rRULZZG744zU8N3pRZ1MTLeix1jEYNnnqt0LGvf/T9z6gv/up3eq"
    "e9189PXz4/Pe+Lzn1YIqmGv/gNAJ3fcoO54DL6ne+/VRM9d82d6+CPBniPQxV2tKf6j6Uf"
    "HZ/wM856UXyCIiJvkCLs3pMvXZRBTDZ3K2QRGziiZ0Vr9wc6AzMyZPmakdlIHAbPVom8um"
    "hisRG2rCU6Gg6lJ95f/SvD4TESFEAFmb7C5NvIr56XsHY3fYO+DQalN34uMLECEJ8Tg46p"
    "gThx0RO2PPDUFRwCGg4B5uFQ3BfbHNlMMCniWRB2waLuIos8Easkh1joeSh/5OUP03L/Lu"
    "X+lrqO+utdcNCrNf4fFEadKJAyJVz71ddznETZckp74yhhvkzPt5EPZtT2clOel9asyiNX"
    "2Ji3N6inzKH/hsiZXGG3EOI0mYY2ZxVTW7BRLjXIOms4l1jDnL9ZhLzSYE6cwYKQx5q7RS"
    "69Bjsf7CnznLWRzhJrmLMwa+G6GGotXG/DuXw2Z457jV1j2slzK481d0sdymXHimL1nRBa"
    "YRVKajSC0dHYYTNwjZYe0ZfSe3tuYbuLsG2iowX4Xou7W5SYx75rt+cabJYTmNr04Dnir5"
    "Z09ynp7joPnGKONDswwcL3XQfgsL/SqgT44NF/5He+XEd9cFEB54tClC+q+qaWLOMDyY4r"
    "cLaJGUBN5a8wIZwaahsmn7WWiTdGooaFt1Vek9ybzbCT4zVcPCExEj0hjU8Idcms1vexIl"
    "BjMtbxf1B2MnSORe3DoAXutkRzB5Vqc2TtqIZtsZgd1cqtlgVqlQn86P7+y4cbxL0RJ+4x"
    "WHkxWmDLem5YzHiUAjOifnhzaGp7xtG/IS0TusG+9J/J/9TY6H07lrSc8iic2w+qHg5XhQ"
    "aGQymzD4ep/PjDYVeI9yheQOsZ79s2ex5U10Jg9kcTD0P4N5TdWkrbORsDzWzTYllaBbBL"
    "FYAue6XLXu3I4X3XEX2Ol7eyixnvsP/u+e41VANjh/zeFQeB2EefsCAGSxAYkrtoxmx3ai"
    "0FryqLUASu/F3k2S4F9w+DiV/ifwhiCrhZ9Rh1/8FDbq+GWidGpfIG1Xn//vLjxy4SZzq2"
    "1lHlnFfYqM6Ls/lnNqn1PUUa8xJR7mxoWD6CdQl8Wr3TNqJReT2veeBuIU/BI50PiiNPrh"
    "mzCLYLto80bQpxwUhb24I85Cl3e+5e3919SOzd17fpg/XLx+ub+6MXcgpEJ+qnBs6ubllW"
    "1yR+7FPdslEpSq35avxAFQL9OnOTItMTsw1O58DKPHYgAdwTqTkBAdUl8v9XunyjLo+my6"
    "PtB+ytaCDEHWV6yrqJstJ0LdBBbJv91GGxHV0T7cDA1fa6ttvrtFt0m2e9yC1a10TTNdHU"
    "RzTjS6BroumaaHsHVdmaaDczTK2PhHMsv72M50uivVvm/0Kg52Dmd60RbSLpkMugqoCZHz"
    "OS7NK3+/ZwaBLTmxOovAaJEvAj4VEgOnVRVEUBHYEzyZw44Foi/sQyvb9B51T81ZWeJg6Z"
    "wfpx+jZ0C/1boKMFhQGA/fA7mlS8misHE0A44L8iu5l4eVwxIuVrTMdmk2+uYH9c8ajwv+"
    "+6UtlX5ZpOfhZ3lb/0emdnr3unZ68uzl++fn1+cbo6GrJNZWfE9e3f4JhIsE0/dmqJ1lod"
    "dUeSqhllx34nY/uqJcFxCiZU8Km1wi+SVC20a/bOq2iWRK9irM8zuqXd18louQJEnBq1tM"
    "9h/xYu2LNehfV61itcrtCUDkQZQaBSLStKRNJGiCvtv2cl++9Zzv4LHEndMgEJolYgvWvX"
    "wqk7s2rDniDSsK8BOzVy2IxiwIPu6pqtOvQtFvuDiYVU4rrYmM6kiEPHQkipGFi76ymQMl"
    "kuF1Im3sSpWsSJ7ETMiZeD8bMu1uIBk0QtAr+5UtEHET7emYuNIqxEtH2nj8adagK1SR3P"
    "4jiJTvCXXrZpZVQG13JrXg55C016h2vCy1puLYI5GcgwjrqTnSJtYKIVOxNaNc+YuwPiOC"
    "zHTlN8JiWp1OV51zyQzitJz+cl0vN5jmOc9oBpmS9EFQ8YqIa9xpTHyPT+qdr+qUhGgk/M"
    "hQzxMh7u7w4ZExlV38mx0xb07JZZbO0YzWC+IqqcwwDMAc84MqaMCqo3kKjeYYsga70fxw"
    "8qbgjk9y24lCNmZ028G420QQ5ABQqFq2Bc3VouAN8jgAl5gHk522NJBFea8HDjhKSRh0cL"
    "152KpQvLCJmMQG0HFy2wv3bUiyXSvp1t42eKfDsVOe/uPHfEvr31HM6cvFMu0V56tjHZc2"
    "DIrhVPtPfiyBmD7hzBZHsz8ZH6OWjEwYTtCUFjQkw0xRxNxGd7BA0gJQV+RdQEvyPR0bSI"
    "eZw95RoffYOTb7+lSBVyYmnKTl18CIqPk+bnaikzcMSpWqOq3LF5Q59e+vTa6en1DzKaMv"
    "b4C7EoiCx5B1i6S+kZtvA7g7cw9K6cXU66zMpTIyxDBtnfwh5+ZnVIpR6Mu0QWmxQ43tYd"
    "xffNDR78ucwJR6GLI7qYfq734TC03gaJ4TByyGoQAzvwovJc5Bhy05klCeBiDxSIZSvLcD"
    "oNXKnfbRflDsYc8eShA2c4pvbPVc4/N2fqKgr0OZQ6kiYvG8t+3DQUhXXHjIwPo0SuBs+e"
    "pGqFf9i2o+0T+31VnBNEKsPcCQ5ZcRBTG8nHlpEswaPvH37tOJNFWTvOKH82aseZn8AgqB"
    "1nfsJ5BheY9T/sHHI938rPdxETUng4pqgU9ojuvH94+DvyHzW0PUgTQ7BIK3KBDR+f2j1t"
    "V+5pK/5/jc0sTat3MpV3Mu2IWPydHabpQ/HSOYFd43NMndopNn8kunWrmEDietpqVpDiBa"
    "GrxqrlJuY5OWJU8ckfdFdZ07bmod87rZpSozSnRr2KMWX5S9pWMWYHCUwirXu9nPVJsgP2"
    "d/SdmZ5LZyYsBxSyhoPAvZiK7RUdBQGkJ386foP+JG3L2KpYsmTX/o9hQqmaEbJJKpUFQi"
    "b4IN/IHwiENMqitR9pcPdJEPcIdZiQcA8xyu1MSe+jLLGlszlzXBQ9tgL2LSKkq3oZbFYU"
    "KrM7ncVUPOjg5OQEcTqxIXde9OBKlAcQp88TZR4f1J+CHFKFP4B1rYw7AH09g0nhIFoBpb"
    "ICKirpkvIWKquXFRHpQlnVC2WZlMP7mwOHYF5TwsuStk7K24om3U/nWz9+MEO3JY718NRD"
    "aWzxnIJP1TrwJkk1whmEdVGZRuHUxpZiqNtlbNHRRW2edcWjiz5z9s6ST5Uxq4VN3TJTGu"
    "fi5qJXjSAii02oDc7CY4tOpu4lwmjkiBGIAyE71CGGi46GQwhx/+uzoOUZRPWI45eYaLSU"
    "LiZQ7g1UXtR3IM0EGTV+FwhBAi8XMhweg+4ZI1MIkQZBEwfbsbH8q8VD+b8h4lb+fPvhtm"
    "/PmWVxtKDudOMgXG1M3IIxUefg3qLrOFS8oGZevZcy/VlE00KQm9cSg+hSt7JmnKZ1MfrN"
    "Q2wzu57xY0XQQtVv76LKNtG7KN4noC1dIdYkAwhZFmPW2i0yhBrwSoCHjNLAc2gdvNN0Cs"
    "PdAR5s7MgawuazDCtZzePjZRXsoVuJz8fLDPoBU1p7207TqY6+YKodF8x7IRfOkQHeHGJw"
    "eAWyVr315rd3n68fwF5SSxueJFN9MkLGSq1PQSvDiifgMNUiVZRh5NtcHCN8jVlPUrZw1g"
    "9klitZdT2+nsKT67ARZedXHe3me2ybUFGzk6/hXDV3f6TlnAY9KyeyZTZ5DqsPwdkvVX7E"
    "hHKjcY4T4bEL1T5Xukmptuwi8s33eDWlK6vLHonN81LcbuUeWvuolvZRK8h2wN5LHUFdUS"
    "tBpFVkPwZZ8/Gaj9d8fHv4PM3H/1Tzu+/CBvveoxtg9DKSURLgLLrvmEPoxP6VLCXIt+KJ"
    "cL7dKJBqvgTDHBi438PVE16NvmYHL1ayRnxRiXcXb0x8H+a3V5/fXv1y0/m+H1ETUL81ie"
    "1SNzdHb6K9WyZsBi8ou1bOzruqdoINg3k2ZF9B2EbBMMuVXvcSDYdH4R9dFBSzPvYz6vpL"
    "oaSUSkOD56bdjUssYY3tdLpdLXdqubNBY4fAc0wnHuSujOweKCxLsH9xqb3V6VO2JjQUzz"
    "1EhoVp1dDVpN3p/LyK2en8vNjqBG2poHsorVMH+xWB8sj7VYMWU2JD/Y8F5sii9uN6ltbe"
    "eZV1L3qVYK8VBVpRcBmkX5Pa6XUTI8aJtTSppUmlP2QtTWppskCafIefmOf40bkZUTJq7J"
    "bJkeOwW2UREjKHIIxmZDYijvTLEqxxnjhY3DFXtAuXosxMomW6fcp0mrH6GRmr3ec/Um5y"
    "Gw7P1eyLZl8OgX1J7wINQHofDNNSSGM7n0oc4UfZkOvGFjaVcoP+wNW912Q16cWUIZ+Qy1"
    "p9YRY/dIQtS9bpA7S4jIeFdvjrEpFvYmxrKa+wcYE1oZGxISY3pBsOZfHA4RA6+iYHTtwf"
    "M6WrzIS/Qb0+zapqVlX9vazFrGrbs6PujWNtaw5ULQIcNKJaBNilCBBPw7whrNexoQ5rI6"
    "iKbOpQUU3AOlBUFZWvrohDjWknR7wKWrpl0hWO+ugSIod0/HRLBJDCjIbFLiDFKQ2VcgJZ"
    "MyBkK2428FHVQDjo3kJ0t5Iu25AxgDkSdHHVkBjJ7iuG7Md7orE6H3uNe/3+/8jjj8M="
)
