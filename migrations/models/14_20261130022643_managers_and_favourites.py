"""Migration 14: managers and favourites (hand-added: the CHECK that a manager names exactly
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
    "eJztXetz2ziS/1dQ+hJ7S/E4spV4nLursj3OxLdJPOU4t1sbTUkQCUlYU4SGDzvamfzv1w"
    "BJ8c2QEkVBNL4kFonmoxsE+vHr7j87c6YTwz56R4h+zx6I2TlHf3ZMPCfwR/pkF3XwYhGe"
    "4gccPDbE6AkMGzp8nDiOx7ZjYc2BUxNs2AQO6cTWLLpwKOP36Vwgm2gWcRA1EUYaNoipYw"
    "vZ7ng1DH25+4AOVqfg5jYMNE3mAK2poxnBOrHswyP02WEW0REW99aZBjen5nR7txmY1LHR"
    "5/cXL3v9128RMwlaEAu5NrHeIos52IHbI+ogizwCT2zkzAhihs5vdcSf0TXpHy4Bhk0JnL"
    "LgSb/+DoepqZNvxA5+Lh6GE0oMPSYXqvMLiONDZ7kQx25M550YyF9/PNSY4c7NcPBi6cyY"
    "uRpNTYcfnRKTWNgh/PKO5XIZma5h+BINxOY9aTjEe8QIjU4m2DW4pDm19wDhsc5w+On2fv"
    "j5+n447KRmQUARkZh/SGMmn0HwqLZ4+yl/hJe9V6dvTs9OXp+ewRDxmKsjb757tw4Z4xEK"
    "9ny673wX57GDvRGCxyFTxcwdzrA9SzP3aoatbO7GqRJchsdPcjngqbxsnuNvQ/gOps4Mfr"
    "4+LeDp/13cXb2/uDt4fXrIb8jga/dWgk/+mZ44xdkeshm+RM6KIXbSbP4Fzjh0TrJZHadM"
    "sFr3SY+CP9ZhfHAg5Hy4cjXBenhB/dY0lr7IC1h/f/Px+vP9xcff+O3mtv2HIfh3cX/Nz/"
    "TE0WXi6MHrhJhWF0H/uLl/j/hP9K/bT9eCvcx2ppa4Yzju/l8d/kzYddjQZE9DrEdmZ3A0"
    "4FpM6nxZHFZatiIUP1675P+qali8+HYweYisXfzAGGsPT9jSh6kzrMcy1znO2LQcbk1yz+"
    "AfIYwbeHZsaiSD+b5K8MW/yF4J4Xswx4Kj4f0t/LTaZ6NTD94c3pc43i5w8fnq4pfrzvcY"
    "4+N85qfmvXnyCDbxVLwvfzL+HD4f78gEPrJZruoVO1+ofVneyGoKmInYAoNkkE+NBHUX2Y"
    "GWgyJKzhG6E2oNqEsPhCw8jWaC59RYgsZDgGuITRBO61/buMvAFDoWkIuLxbSspxkzAhql"
    "akmoanmiqaJmhRT1qFjpnX53OtbJ6xI61kly8w51LH4qrmMpVVapskqV3ZIqS74tKFxtDa"
    "nHKVso9T2RcsCTQjH76sUaYo5T1iBmf1YqKW9BykJtXEvKMUolZZmlLIH3Ydf78Tb8Dz/y"
    "KbwD845Ozb+T5Za9CnJ8KjX7FX7g0KnPByG4nuF7CKSR73PgL1TO1ZDPS2Wby2WbkzmmRh"
    "WzcUUgr8XY0bBNXk6YoRM96Z4qYzr2+mVsRxiVazyKc3HrcQI3HoofFZgdI9qWK6TZnSnO"
    "6ePjMpw+Ps7nND/3PaHKGzlMvjbdeWpvSijzRsO87szJfOytvFWmONbn1DxH4r8Bf5vJ5B"
    "yJ/wamd8VzFLlyRbm8KuOjepXvo3qV8lFRsIM1hz5mSOaSAdOxmbOOR+kSUhkD4bbEEixD"
    "zaral7e3H2Ja9uXNfYLHXz5eXgPvBethEPV0imChDxm+wLb9xEBZqOoXTBGu9S00Y950xp"
    "q1XDhvBSlcgCGDTam51pQvtRS9KliKXqWXIs/H+ghqE3/e8tpLiq45q+S4qgTc+UKEZRBH"
    "zhB45iWyic0fHGEHsWCVbUjTCXlfnes74fcrqRVH5f1+3t5vd6GvKfU4pZK6LFLP8KCJp6"
    "8AN4n6U5MohIRq59O/+/sdMUSUP98blMQ+7Nl0yPMKxT4nvKDDB7LckFMXC/p3smwrj0Cr"
    "f4CLbMijS+8qbWWSTSxKNmTR59U12sihCX5krgXm0YZcehdcp62MChzFG3Hpo7jIPjqkcn"
    "lUyQcfmXertIh8jgboyxKzL5qLIYXJXQ9jK8Qr/N0uI2IR7oP5MYvojvtjhOT9jKyyR2xk"
    "z9iTKSxYnvBhLKO4RX7+gSycIzQaLUANot9GI0R1YjoU3otDHHn+iUFtxz5K2r9bvI0Kr8"
    "gVXqnq8G+xr38rDjbvm6jk3lxRyBvAWpfDtXvtYeWs7D+O0rSOxfWjSm2NLbJ01P/9fPsp"
    "m8EhRdKrQjUH/SV2g61Fq/5r4pqagOuPXWo41LSP+P3+p2L8qo5gCedQzKESsPng48U/kx"
    "K4+nB7mfSU8AtcKjdnyx1eZdycgezGy2q4sRTdWnEDyRT3uiMHEiGoJeP0nnxBpUCXBrad"
    "oWuvtXQmaZWkZZa0AlE/BykrELUCUSsQda5T0tWpc/1IxHOnHZPh2W6hc5KPGxI+cPu46q"
    "8d7jV0lt4EgnP+T2Du75Wcgpd0+lz8gj/3eicnb3rHJ6/P+qdv3vTPjleLQPpU0WpwefMr"
    "XxBiq/mPvYfVd9gmjc9G5dFe2xO+d2YNq2+3Kbot2Z77545P8taPAa3D3jipsu7zWAwvSy"
    "qlkSTIGsTbb8tT2UAOCdaCaHEFNmfHl1tQSKN+X3xCQSqdEhUna2Hs7qRXpmZJL79mSS+H"
    "1ZWW5BiNWovTa/GYTMB8rBJLCik2iiVJxtemg0Z44mTZ8vlsXxEorq/PdYvAa9tO5hqSv1"
    "jHqVqnd7zqnZUBAfTO8lEA/NyG5Qfrc7RcutTQvddPuVlW57pFTpaxP0plru+jLZfvHNFA"
    "1FU+/GB86zAp9StnCrW23Qx17oP7DzMr8ThKIzOfOzcXny4Qf9IuIkfTI3TtWmxBfroklr"
    "FeZm79dh48jwn3H86Ya1WCXqUI90B/6/w5gG3RHPDV8+ugc3x2fnw8gGGDTu9Y/Mm9/0dH"
    "R9+DLGpsPOGljfi7lhNX04qfyuytYWMN2ekF1daJ58cpVTxf5ni+Ajbmf1DtDS6p/O22ST"
    "3jY18/f1szmO1am6ZIXnlX2cM5UCpB0mJsvmluO1yirezxXDdZevR2Ekjl1BE2zB+t6BUL"
    "vrgMp1jkY8z3iUW/+3JZkYEXDR0wS3S/4l8Fb81AnUOepMivSHSku5xZaDT6ajvYcrq8KN"
    "DhaJSdAlnDNcvAnoLb+C5fcZGKkCflrNvQWcclWy3YF6GQF9jS8SzmsAvJOOKSbt6S86Z2"
    "RUVvRdRCHW9/dbq0Kg+rXlXR+iRKsFILFuwQuxqqJ6RoXfxyK/525fvI5/5+WsFlfB8Jva"
    "+k3pGgUpksP85kiSo9G2azREP6e8bkshktiQkmU1bLO1jscszK4FS3uCW0GFTBrARuORYz"
    "DDDzHpmGx66BrSU3AYUpGFwPHSws9m/CIcNdULSpQ8YMXlaErQ6zbcu6LqxQH3IZkgr14S"
    "tKp2X0pNN8Nek0pSUp1Ef9tYrW8soL10d0Ld3M8RxZuvdMKDvxrQpffcYOGPjwC3ryBoGC"
    "LedxJjQIDS+wRp2l8mmqrWgnq6UCIO6bQ2RiMJaRsJC7JKzGq6ybjM4Iwfpbnp9REuVhyM"
    "pkYuxBvGpa+ynqFhQlU82CyjcL4kkxXqWtBRjEjzgjlbeQ75n0DQpgdWRvJRB9uBTv78m3"
    "nIUkQdaCcECRA/r6n/cxdqfAxCv/84fbT78Gw5MIYwUm3vLCzU0Tm/xRxekep5K+29V46X"
    "e68h8cPfEOAR4QgFuBL2zvCDKY9pD0TzYjCK5E2gtsAk/hTnqGHyFXGlmk8orEYOaU2M5K"
    "FGyyEgM64LXTubQw7NF0OiXW4TkMdOGlkE2wpc08B4sC3cujSu5JBFKB7lXgWYHun4nU80"
    "D3Cm6g4AaSxUa6FeAGdzDn726u7ovwBiospdrYqTZ2O+OQamOn0pA24tG2Q+UFmLHEKl8c"
    "OB9WAo9VCqB/FTcQE8N/mt9TMXX/jL9LBsknKqLeaEQ9LoSysckYkVKgs8I7jWdftZGjBS"
    "bJan3ZzBxpWZpwN2GKRCZVNuo5pviEG8eGXG2foZFkbHwJrGzibVNFCAyYrPJ9oW1TUL0v"
    "Ykb9GFJ+4cO7mZVKF0YHX+6vDo/Q/RPj4PAJteY8kONfnkcNVhnIJo/tIAb/GHhxnowPbO"
    "UmA5PHLPjGOMY2jCAT1/baux6Qb5rh8oAjCucB+imIZ3SRTYgIeMzp1BLarZ2LXP/ascEI"
    "8L4V8s0hlomNlZoTU4cin6qfL91FXzvsyVxVm48cVhnVO9CVHOpkwWOKCsg5mcAYBZLLAc"
    "kpSMaOIBkqjb3FIVGVxt5SwcIH6LgZ7je+I12b7jylrSc/X59a5u2ps4C5CAI9R/4fA3Ol"
    "5p2HGt/AtAjPKuQHg79gJH9xnpEII4M/k8plmc2u/jbfnhu+mocgRiNvhZad+VyYprmWRU"
    "DOQ75AZa952azNIC1a+6RxVnd8G4ZwQwcjb4ag8G3KTfYCLvN1LtVcWCPi/oGSnOJzfjXf"
    "LNr9banewWaE10ibYXPqQRXhL1hznmZUmwUZ0PDddhGfQfxfsAvAjFwtwPIV/A2t1rLGTk"
    "ix1nYiWXBnS8mp8e8odAdU4HOCrH3M3opl2c6KP52n2XKl7vy0kYrTL8X1fgHX+2muK6R/"
    "rQpOgFAdV+zilaJTOYX5zFXA4bZASBVw+DlKvQxwOBpVKbmGRklUfF4hHhTiQc7AfB7iIY"
    "zKpxaCGpj6xS6FYNxXpkYXP6mwDjc6mS+YQ0xtCcLqZEAeEiO6RcgHGo7lLcjLIyAIsJno"
    "fgLqE3VmAh5gw5MguA4/71qmLQ5OqGU7cMQGQSIKfIdNNnDe8dRPDldI19fb0j0yAQuR/v"
    "a2xhZi1sMdUpAFBT5oEnwQkUpJzkYo1PaaVbo9mNylPZwBgdTxMt/pvCAeNMlvCegDoo48"
    "W3UdB1H9PQEfSEYBn3z2+8NlZr5cHk+v6/IM27Nqfs84XQv5Xf9Uhr1WhD8qGkBxKrVK77"
    "1brlGNYz/9M3leuZTlu2OLwrnzFsJOkVGxGlTOrnCG/upa2rTwJjHo7abjKf3YRKNRxKh5"
    "CVYNR0EzrsCD9g/ncbDbv7C7fgyaOjYCIy7Drqj3BgMT3si0sRdct8DasHQbYTt1VXHRw3"
    "OkGZgKwDaZgM3ttfVh1kOX/2WKn3C5J2J1B6Z3IywsoWWGBQQ2DNxnCt9Hps0TLLalDJ+V"
    "+qSMH2X8tHFbjU3wsqphjEhmvVDAolZPizjyRlhBolz0UNlAckxpZQO1ygbKQyPn41nzAM"
    "gy4RE6oQ7ywvYhe2/Fdc7hFzUMZLmmubP+g2OmZywg+akywfg2wMaaTpKZgUqZWe4iH+8a"
    "IZED5spvWxXmWodAtgJSVb6Btma5SOIMuCdWZmMScbxbZPI7MGIrdVU0PF94m6Z4JmWX7t"
    "IuVU0ztguRDyd7WQ6HFPKitmXisMjhrZwuFafaMFNKtnldMRvK1CuzL0rzrJk3YwbV8bKa"
    "Sh2hkUOnXit17OufA+8zGsCvQad33Hvz8vj05XF/AIMHfIokTvzsneCs885cYxu0jEHn++"
    "/lTM+mtXOV/FGD7rGvxo5Cqv/Y+lH5Cc9R6nn5CZKYvH6JsDtXvHReBTFxuluiitjQgpEl"
    "o90f6JyHkXmVrzmZj2EzeLEq5NVFU4ONsWEs0cFoJJB4/+0dGY0OEVBwKl7pKyi+jbzueb"
    "Fod903GJg8oPTWqwUGMwDZC6LRCdWQTRz0iA2XI3VBQ0CjEWfzaAT3xaaNTAZKCjwLwg6P"
    "qDvIII/EKKghFiAPxR9Z9cOU3d+k3d9S6Kg330GDXs3xv1CQdSJByZRg7pefz1ESadsp7U"
    "yj5PLSXS9GPpxT080seV7YsyqLXOJg3s5YPWMW/Q/PnMk0dnNZnCRTrM2YxdQENcqhGlln"
    "DmcSKzZnLxaBrjRcEGv4RMhDxdUik14xO5vZM+Zaa3M6TazYnGazMq7zWa2M622Ay+cLZj"
    "mX2NFmnSxYeeR0txBQLgaWNKtvwWjls1BQozG/OppYbM6h0QIRfS7Q2wsDm12ETR0dPHHs"
    "NdzdoEQ/9KDdrqOxeUZiat0XzzB/laW7S0u36TpwkgFpGgjB8u+7CoOD8VK7EvgHj/4S3/"
    "lyHffBWQk+n+Vy+awsNrVgGu9JdVzgs0l0n9VU/BUUhJPDbcPEs1YK8UZI5Ijwtgo1abvz"
    "ObYyUMP5AomQKIHULhDqkHml72NFIIcw1sE/SCsMVWNRYRiUwd2WbG6/U22GrR32sM03s8"
    "NeueWqQK0qgR/c3X35cI1sd2wT55BHeTF6wobxUjOY9iAMZkS99OYg1PbCRv/hZZnQNfas"
    "/1T9p9quPjAjRcupHaZze0nVo9Gq0cBoJGz20ShRH3806oJ5j6INtF7YA9NkL/3uWoiH/d"
    "HUxTz9m7fdWorYOZtwmvmmzbKUC6BJF4Bqe6XaXjUEeG86o89ys2Z2vuIdjG9e717DNTCx"
    "yB9d2AhgHX3EQMwjQTyQ3EVzZjozYwm6qmhC4UP5u8g1HcrhHxqDv+B/nsTka7PyKeregw"
    "faXgW3ToRK5gWq8/79+cePXQR7OjbWceX0SyxU/fxq/qlFan2kSG0oEen2hprtIz4vuZ5W"
    "bbcNaWSez2tuuFuoU/BAF8P8zJNLxgyCzZzlI0mb4Dgo0sa2WB7olM3uu5e3tx9ia/flTX"
    "Jj/fLx8vru4JUQAQyiXmng9OwWbXV14uU+VW0blaBUnq/aN1Qw6NeRTYJMCWYbms6etXns"
    "8AJwj6SiAHyqc+T9L3X7RtUeTbVH2w2zt+KBgDuK8pRVC2Ul6Vrgg9i2+qnSYjuqJ9qeMV"
    "fF69oer1Ow6DZLPQ8WrXqiqZ5o8nM0hSVQPdFUT7SdM1XanmjXc0yNj8S2sfj2UsiX2Plu"
    "Ef6F8JHDuTe0QraJoEMO410F9OyckfiQgTkwRyOd6O6C8M5rvFACfiB2mIhOHRR2UUAHHE"
    "yyIBaHlsBPLMr7a3RB4VdXIE0sMufzxxqYfFiAb+EDDd4YgKsf3kCdwqs54mLACIvjV8Qw"
    "HS8PS2akfI342EzyzQH1x4FH5f970JXSWJVLOn0ucJWfe72Tkze945PXZ/3TN2/6Z8errS"
    "F9qmiPuLz5lW8TMbXpx6CWcK5VcXfEqepxduxWGNt3LYHGCUoo6KmV0i/iVC2Ma/b6ZTxL"
    "MCqf1/2Ub6n5Phktd4DArlHJ+xyMb+GEPemVmK8nvdzpyk8lE1HGPFGpUhQlJGkji0utvy"
    "cF6+9JxvrLNZKqbQJiRK3gdNPQwpkzNyqzPUak2L4G26mWoWbkM9wfLm/YqkOvMKwPOgar"
    "xHGwNpsLE4dOwEgpmVjbtAiETZaphRSZN1GqFmkijZg50XYwXtXFSjpgnKhFzK+vVfRepI"
    "93FrBQBJ2Itg/6qB1U47tNqiCLoySqwF9y2iadUSm+FkfzMshbGNLb3xBeOnJrEGyToUjj"
    "qCrsBGkNgpZsT2iVnLHtDIllsYw4Tf6eFKeSV+ddc0Pql7Ke+wXWcz8DGKcQMC3DQpRBwP"
    "Bu2GuIPEKm1k/Z1k9JKhJ8Yg6vEC/y4X6zyISIrPpORpw2Z2S3KGJrRmiGixVR6RoGPBzw"
    "wkbajFGgessL1Vvsya9a7+Xxcxc3T+T3IrjURsxMh3g3utIGNQAlaBQuQ3B1a7UAPEQAA3"
    "uAuRnLY0EGV5Jwf/OERJDHDieuM4Opy6cR0hnhvR0c9IS9uSNfLpHCdrZNn8nDdkqy3926"
    "zph9u3Itm1lZu1zsfOHexsTIoSaGltzR3sOWM+G+c8SF7c7hI/Vq0MDGhM0pQRNCdDTDNp"
    "rCZ3vAT3AryccVUZ3jjmCgbhD9ML3L1X71DXa+3bYilQjEUlecOn8ThI+TZtdqKQpwRKla"
    "46psOLyhdi+1ezW6e/2DjGeMPfxCDMpNlqwNLDmkcA978gZztDAfXbq6nIDMil0jaEPGq7"
    "8FI7zK6ryUun/dJTLYNAd4W/UqHjbXf/CXoiYc5UMsGKJ7td5HoyB66xeGw8giq4to2OIv"
    "KvZFG/PadHpBAbjIA/lm2SoynCwDV4i77aLMizELnjwAcAbXVPhc6fC5GaIradBnUKpMmq"
    "xqLLuBaUjK1oYVGY+NgnMVdPY4VSvwYdvOto+t92X5HCOSmc0df5OFjZiaSDy2yGTxH333"
    "7FfAmTSXFXBG+r1RAWeeQUBQAWeeoZw5BGb9DzuDXMlbennnKSG5m2OCSmJEdOf9/f1vyH"
    "vUIPYgQgz+JC2pBda8fSp4WlPwtJX+v8ZilqRVK5nMK5kCIuZ/Z/sZ+pC8dY4f1/gccad2"
    "8sMfsWHdMiGQqJ+2XBQkf0KorrFywcRcK8OMyt/5/eEye9rW3PR7x2VLahTW1KjWMaaofk"
    "nbOsY0UMAk9LpXq1kfJ9tjvKMHZnopwExYXBBsDQtxeDGF5RUd+AmkR387fIv+JmLL2CjZ"
    "sqRp/GNQUKpihmycSmaDkIEe5AX5fYOQhlW0dmMNNl8EcYesDgoS7iBHuZ0l6T0uC97S+Y"
    "JZDgofW4L4FgHrqloFmxWFzOpO52kGDzo8OjpCNp2avHZe+OBStAeA3eeRMtceVhdBBqnE"
    "H8C6UcYGmL5ewCT3IsoBJbMDKmzpkkALFfXLColUo6zyjbJ0avP314cWwXZFCy9N2jorby"
    "uedK+cb/X8wRTdljTW/XMPJXmLF5RjqtZhb5xUcTjFYdVUplZ2qmBLPqvbFWxR2UVtlrrk"
    "2UXv8CNzLU8NTAXWwpPdonDaJBhWusYDd1EhjOZkPiaW6P9tkYwq/UUDM1N3XL/fg3CBJX"
    "N1VPytyfib2r/atpKV2b9Ut6G69UAJysm0gKOp3TbO4DR3VauheKuhyKSKdRq6uvh8dfHL"
    "dSe1CtTA0mfaEmvF0t1ohB/FicxCKcGpQm3Qu3DZ6ihelS70NGPII7RFUviq6dIBNgyREM"
    "65ZR8iP2mc/zpH5Btc21iKI2ySoT7Wdm2efx7QjUYiS3004gO9VHSbOD9WSlchcJEYrlRV"
    "parKv5a1WFVtOwxnZxprW8E2ygTYa44qE6BJEyCK99uQrZeRS+3XQlCWs4lNRTYDa0+5Kq"
    "l9dUEsqs06GeaVf6ZbZF3hcIzKVdmn7adbYIDkhs7zQTb5sXOpQJzrJlH0+2WSKPr9gs6k"
    "/VSJEvioKnDYH95C7m4Flwl35H2x0xzOT0+JkDSfmrIbyGVtCSU7DR9//3/Dr9no"
)
