"""Migration 14: sso."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "sso_flows" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "provider" VARCHAR(64) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "nonce" VARCHAR(128),
    "code_verifier" VARCHAR(128),
    "redirect_uri" VARCHAR(2048) /* the frontend's */,
    "browser_hash" VARCHAR(64) /* the starting browser's cookie, hashed */,
    "device_code" VARCHAR(2048) /* the provider's */,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP
) /* One login in flight: a browser redirect (``kind='browser'``, keyed by the hash of its */;
CREATE TABLE IF NOT EXISTS "sso_handovers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "provider" VARCHAR(64) NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* A one-time code handed to the frontend after a browser login, exchanged for tokens. */;
CREATE TABLE IF NOT EXISTS "user_identities" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "provider" VARCHAR(64) NOT NULL /* the configured provider's name */,
    "subject" VARCHAR(255) NOT NULL /* the provider's `sub` claim */,
    "email" VARCHAR(254) NOT NULL /* the email when it was linked */,
    "created_at" TIMESTAMP NOT NULL,
    "last_login_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_user_identi_provide_1b8267" UNIQUE ("provider", "subject")
) /* A user's account at an identity provider: ``(provider, subject)`` is unique. */;
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "sso_flows";
DROP TABLE IF EXISTS "sso_handovers";
DROP TABLE IF EXISTS "user_identities";
""",
    },
    "postgres": {
        "upgrade": r"""
CREATE TABLE IF NOT EXISTS "sso_flows" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "provider" VARCHAR(64) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "nonce" VARCHAR(128),
    "code_verifier" VARCHAR(128),
    "redirect_uri" VARCHAR(2048),
    "browser_hash" VARCHAR(64),
    "device_code" VARCHAR(2048),
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ
);
COMMENT ON COLUMN "sso_flows"."redirect_uri" IS 'the frontend''s';
COMMENT ON COLUMN "sso_flows"."browser_hash" IS 'the starting browser''s cookie, hashed';
COMMENT ON COLUMN "sso_flows"."device_code" IS 'the provider''s';
COMMENT ON TABLE "sso_flows" IS 'One login in flight: a browser redirect (``kind=''browser''``, keyed by the hash of its';
CREATE TABLE IF NOT EXISTS "sso_handovers" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "provider" VARCHAR(64) NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "sso_handovers" IS 'A one-time code handed to the frontend after a browser login, exchanged for tokens.';
CREATE TABLE IF NOT EXISTS "user_identities" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "provider" VARCHAR(64) NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_login_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_user_identi_provide_1b8267" UNIQUE ("provider", "subject")
);
COMMENT ON COLUMN "user_identities"."provider" IS 'the configured provider''s name';
COMMENT ON COLUMN "user_identities"."subject" IS 'the provider''s `sub` claim';
COMMENT ON COLUMN "user_identities"."email" IS 'the email when it was linked';
COMMENT ON TABLE "user_identities" IS 'A user''s account at an identity provider: ``(provider, subject)`` is unique.';
""",
        "downgrade": r"""
DROP TABLE IF EXISTS "sso_flows";
DROP TABLE IF EXISTS "sso_handovers";
DROP TABLE IF EXISTS "user_identities";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXetz27ay/1cw+hL7jOI6sp247j13xk6dxrdJ3HGce86cqCNBJCThmgJUPqyobf73iw"
    "VJ8c2QMiVBDL4kMonlYxcE9vHb3b86M24Syzl6Q4h5zx8I61ygvzoMz4j4kT3ZRR08n0en"
    "4ICLR5YcPRbDBi6Mk8fxyHFtbLji1BhbDhGHTOIYNp27lMN9OpfIIYZNXEQZwsjAFmEmtp"
    "HjjVbD0Ke7d+hgdUrc3BEDGeOuoGUmmhJsEts5PEIfXW4TE2F5b5Mb4uaUTTZ3mz6jroM+"
    "vr183jt7+RPijKA5sZHnEPsnZHMXu+L2iLrIJo+CJw5ypwRxy4RbHcEzeoz+4RHBsAkRp2"
    "zxpJ9/F4cpM8kX4oR/zh8GY0osMyEXasIF5PGBu5zLYzfMfSMHwuuPBga3vBmLBs+X7pSz"
    "1WjKXDg6IYzY2CVwedf2QEbMs6xAoqHY/CeNhviPGKMxyRh7FkgaqP0HiI51BoMPt/eDj9"
    "f3g0EnMwtCipjEgkMGZzCDxKM68u0n8AjPey9OX52en7w8PRdD5GOujrz66t86YoxPKNnz"
    "4b7zVZ7HLvZHSB5HTJUzdzDFzjTL3NdTbOdzN0mV4rJ4/DSXQ56qy+YZ/jIQ38HEnYo/X5"
    "6W8PR/L+9ev728O3h5egg35OJr91eCD8GZnjwFbI/YLL5EYMUAu1k2/yzOuHRG8lmdpEyx"
    "2gxIj8If6zA+PBBxPlq5tsF68YLmLbOWgchLWH9/8/764/3l+9/gdjPH+cOS/Lu8v4YzPX"
    "l0mTp68DIlptVF0L9u7t8i+BP95/bDtWQvd9yJLe8Yjbv/TweeCXsuHzC+GGAzNjvDoyHX"
    "ElKHZXFQa9mKUXx77VL/q2pg8YLtYPwQW7vgwAgbDwtsm4PMGd7juescMDYrh1tG7rn4Rw"
    "rjRjw7ZgbJYX6gEnwKLrJXQvgazrHwaHR/Gy9W+2x86ok3F+9LXH8XuPz4+vLn687XBOOT"
    "fIZTs94sfQQzPJHvC08GzxHw8Y6MxUc2LVS9EudLtS/bH1lPAWOIz7GQDAqokaTuIifUcl"
    "BMyTlCd1KtEerSAyFzX6MZ4xm1lkLjIYJriI8Rzupfm7hLn0kdS5DLiyW0rMWUWyGNVrUU"
    "VLV80dRRsyKKZlSs7E6/Ox3r5GUFHeskvXlHOhacSupYWpXVqqxWZTekypIvcyqutobUk5"
    "QtlPqeSDnkSamYA/ViDTEnKRsQczArtZQ3IGWpNq4l5QSllrLKUlbA+7Dr/XgT/odv+RTe"
    "CPOOTtivZLlhr4Ian0rDfoVvOHSa80FIruf4HkJpFPsc4IWquRqKealtc7VsczLD1KpjNq"
    "4I1LUYOwZ2yPMxt0xipt1TVUzH3lkV21GMKjQe5bmk9TgWNx7IP2owO0G0KVfIdnemJKeP"
    "j6tw+vi4mNNw7mtKlbcKmHzNvFlmb0op89aWed2ZkdnIX3nrTHFszii7QPK/PrzNeHyB5H"
    "995l/xAsWuXFMuL6r4qF4U+6heZHxUVNjBhksfcyRzxQXTMStYx+N0KamMBOGmxBIuQ9tV"
    "ta9ub98ltOyrm/sUjz+9v7oWvJesF4Oor1OEC33E8Dl2nAUXykJdv2CGcK1vYTvmTWdk2M"
    "u5+5MkFRfgyOITytaa8pWWohclS9GL7FLk+1gfhdoEz1tde8nQbc8qOa4rAW82l2EZBMgZ"
    "Ip55iRziwIMj7CIerrJb0nQi3tfn+k74/UJpxVF7v79v77c3N9eUepJSS10Vqed40OTT14"
    "CbxP2paRRCSrUL6N/8ekcsGeUv9galsQ97Nh2KvEKJzwnP6eCBLJ/Iqcs5/ZUs28ojodU/"
    "iIs8kUdX/lXayiSH2JQ8kUUfV9doJYccLiwYZvLHwGn5BEY5/G1wpbZyi5qEudR98pwCJ/"
    "KNf61WLVC1HPIxp98qR6KYrSEU89vMTSRmKGF/N8PYGsGLYOvLCV9Em2JxACO+/X4bLnk/"
    "JatUEgc5U75g0pyF7A9rGQcxwvkHMneP0HA4FzoR/TIcIv+TEu8FeEdIRrGo4zpHaWN4g7"
    "fRsRa1Yi11vf8tdvxvxNvmfxO1fJ0rCnWjWetyuHEXvlg5azuT4zStY3HzEFPH4PM8Fex/"
    "Pt5+yGdwRJF2sVDDRX/L3WBjoav/GnvMkNj9kUctlzLnCO733zWDWU1EToBDCe9KyOaD95"
    "f/Tkvg9bvbq7TbBC5wpX2eLfd+VfF5hrIbLeuByDJ0awURFFPcmw4jKASnVozTe/IFVUJg"
    "WthxB56z1tKZptWSVlnSGlH9PUhZI6o1olojqgudkp5J3etHIp8765iMznZLnZMwbkBg4O"
    "ZB1p87vo/en0DiXPCnYO7vtZyCV3TyvfgFf+z1Tk5e9Y5PXp6fnb56dXZ+vFoEsqfKVoOr"
    "m19gQUis5t/2HtbfYbdpfG5VHu21PcX3zu1B/e02Q7ch23P/3PFp3gYxoHXYmyTV1n0Ri8"
    "XLklo5JSmyLYLvN+Wp3EJCCTbCaHENNufHl1tQVaN5X3xKQaqcH5Uka2Hs7qRXpYBJr7iA"
    "Sa+A1bWW5ASNXouza/GIjIX5WCeWFFE8KZakGF+3HTTCYzfPli9m+4pAc319rttEvLbj5q"
    "4hxYt1kqp1eseL3nkVEEDvvBgFAOeeWIuwOUfLlUct03/9jJtlda5b5mQZBaN0Gvs+2nLF"
    "zhFDiLrOhx+Obx0mpXnlTKPWNpuuDj64PzmrxeM4jcp87txcfrhE8KRdRI4mR+jas/mc/H"
    "BFbGu9NN3m7TzxPEzcfzDlXl6iQLHeliHcA/2t81dfbIusD6vn537n+Pzi+LgvhvU7vWP5"
    "E7z/R0dHX8OUamwt8NJB8K7VxLVtxU+n+TawsUbs9INq68Tzk5Q6nq9yPF8DG4s/qPYGl3"
    "Qyd9uknvOxr5/MbVjc8eynZgC+9q+yh3OgUqKkzfnsqYnu4hJtYs8mPT7hbMpx+MQmWrG/"
    "Jz6nq2X8hR4idMBt2eYJJA49CKh7CAl4cEViItMDZqHh8LPjYtvtQvWbw+EwP72vgWtWgf"
    "SEtwncmfIiNeE82hH1REcUSLZeICtGoS5oo+Nbg1G7jVHM3bp9K8Wf2jWVmBVRC/WX/dVX"
    "smqqWPXqijYg0YJVWrBCx3bqIVYiitbF5jbiS9Z2fTH399PCq2LXp/S+inpHikpnaXw7Sy"
    "Ou9DwxUyMert4zJlfN1khNMJUyNt6Ixa7ArAxPdct7H8tBNcxKwS3X5pYlzLxHbuCRZ2F7"
    "CSagNAXD66GDuc3/jwActisUbeqSERcvK0Myh/m2ZVMX1ogGtQxJjWgIFKXTKnrSabGadJ"
    "rRkjSiofk6PGt5nKXrI76WPs2pGlu690woO/GtSj90zg4Y+qdLms+GTvAN5yimNAgDz7EB"
    "hQW1T1NvRRpc17KtaCMOkbHFeQ4Yv3BJWI3XGSU5LQDC9bc6P+Mk2sOQl6XD+YN81az2U9"
    "YWJ06mu+JU74oDCR9+Fam5MIgfcU6aainfc+m3KIDVkb2VQPzhMry/J18KFpIUWQvCAWUO"
    "6Ot/3yfYnQHKrvzP724//BIOT6NnNVB2wws3mCYO+aOO0z1JpXxbp9EyaOkUPDha2OLL9o"
    "EAYAU+c/wjyOLGQ9o/uR1BgBLpzDETPBV3MnP8CIXSyCNVVyQWZxPiuCtR8PFKDOgA6oKD"
    "tLDYo+lkQuzDCzHQEy+FHIJtY+o7WDSgXB1Vck8ikBpQrgPPGlD+nUi9CFCu4QYabqBYbK"
    "RbA25wJ+b83c3r+zK8gQ5L6X5tul9bq6KbJTCf1IdZHusc1ML71Ip5fpY3kBMjeJrfM2HQ"
    "4EywsIX5AjoIutUgaFIIVcNJCSKt8+R55LeeMNNGjpZokav15WkaZMuyFtPaY2xS5QNVE1"
    "HlaON4IlfbpxumGZtcAmtr5ZtUEUKdM6+aWKSOlhQTi2m+30YBXwaIXG5nMjzRwaf714dH"
    "6H7BAc87pvYMfO/B5cHRu0oaZeCOR9CK1sLzi7RLdyM36TNwM8PGOMKOGEHGnuN3mzwgXw"
    "zLgxgRiuYB+iF0QXeRQ4j0Uc/oxJbarVMINv7ccbhn+98K+eISm2FrpeYk1KHYpxqkuHbR"
    "5w5fsFXx69hhnQS7A13JpW4eoqGsnpWbi2XQuKYCXJOOou8oiq4zj1scxdKZxy0VrPgAXS"
    "/H/QY70jXzZhltPf35BtQqb0+duZiLQqAXKPjRZys17yLS+PrMJpAIBgfDX2IkvDgkkYmR"
    "4c+0clkpn6TxrsO+57SehyBBo25RjZ35XLhheLZNhJwHsEDlr3n5rM0hLVv7GmF1I19HYM"
    "MQMHQw8mcIit6m2mQv4TKsc5lepwaR9w+V5Ayfi4uL5tHub4fnDmYxXiNjitnER5eJX2LN"
    "WUypMQ2TVsV320Uwg+BfYRcIM3K1AKtXfzSyWqsaOxHFWtuJYiimDeUTJr+jyB1Qg88psv"
    "YxeyOWZTuLtHQW0+VK3fnhSSrOWSWun5Vw/SzLdQ3OblTB0S3ct8BcjfVsC+pPYz2/R6lX"
    "wXrGoyoV19A4iY7Pa8SDRjyoGZgvQjxEUfnMQtAAU1veoT6++CmFdbgxyWzOXcKMpRBWJw"
    "fykBrRLUM+0GgsdESujoAggs3EDHIGF9SdSniAI54EievAec9mjjw4prbjiiOOECSigu9i"
    "kw2dd5CtB3CFbEm0Dd0jF7AQa7ftGHwuZ724QwayoMEH2wQf1G+e/tS26aotVo1X2w4nd2"
    "UPZ0igdLwscDrPiQ9NCjqUBYCoI99WXcdB1HyLsgeSU3OlmP3BcJWZr5bH028CO8XOtJ7f"
    "M0nXQn43P5XFXivDHzUNoCSVXqX33i23VY1jP/0zRV65jOW7Y4vCvfMXwk6ZUbEaVM2ucA"
    "fB6lrZtPAnsdDbmesr/Zih4TBm1DwXVg2goDko8EL7F+dxuNs/c7pBDJq6DhJGXI5d0ewN"
    "+ky8EXOwH1y3hbVhmw7CTuaq8qKHF8iwMJWAbTIWNrffiYXbD134xeSf4nILYnf7zL8Rlp"
    "bQMscCEjaMuM9EfB+5Nk+42FYyfFbqkzZ+tPHTxm01McGrqoYJIpX1QgmLWj0tAuSNtIJk"
    "hd+BtoHUmNLaBmqVDVSERi7GsxYBkFXCI3QiHeSZE0D2wi7ijkstC9keYztrGTfiZs4CUp"
    "wqE45vA2xs20kyU6FSErsW3jVGogbMFW5bF+bahEA2AlLVvoG2Zrko4gy4J3ZuLwl5vFtm"
    "8rtixEbqqhh4Nvc3TflM2i7dpV2q+xxsFiIfTfaqHI4o1EVtq8RhmcNbO10qSfXETCnV5n"
    "XNbChm1mZfnOa7Zt6UW9TEy3oqdYxGDZ16rdSxz3/1/c+oL/7qd3rHvVfPj0+fH5/1xeA+"
    "TJHUiR/9E8A6/8w1doSW0e98/b2a6blt7VwnfzSge+yrsaOR6t+2fnR+wvco9aL8BEVM3q"
    "BE2J0nX7qogpg83a1QRWxgi5EVo93v6AzCyFDla0ZmI7EZPFsV8uqiicVH2LKW6GA4lEi8"
    "f/pHhsNDJCiACip9hfWSkd/wLBHtbvoGfQYBpZ/8WmBiBiBnTgw6pgZyiIseseUBUldoCG"
    "g4BDYPh+K+mDmIcaGkiGdB2IWIuoss8kiskhpiIfJQ/sirH6bt/m3a/S2FjvrzXWjQqzn+"
    "NwqzThQomRLO/erzOU6ibAecnWmUIC/T82PkgxllnptXy7u0zVAeucLBvJ2xespt+idkzu"
    "Qau4UsTpNp1ubMYsqEGuVSg6wzh3OJNZvzF4tQVxrMiT1YEPJQc7XIpdfMzmf2lHv22pzO"
    "Ems2Z9msjetiVmvjehPg8tmc2+4Vdo1pJw9WHjvdLQWUy4EVzepbYbTCLJTUaARXR2Obzw"
    "AaLRHRFxK9Pbcw6yLMTHSwAOy1uLtFiXnoQ7s91+CznMTUpi+eY/5qS3eXlu6268ApBqTZ"
    "QggWvu86DA7HK+1KgA8e/S2/8+U67oPzCnw+L+TyeVVsask03pPquILPjJgBq6n8FRaEU8"
    "Ntw+Wz1grxxkjUiPC2CjXpeLMZtnNQw8UCiZFogTQuEOqSWa3vY0WghjDWwT8oKwxdY1Fj"
    "GLTB3ZZs7qC5aI6tHbUdLTazo/am1apArSqBH9zdfXp3jRxv5BD3EKK8GC2wZT03LG48SI"
    "MZUT+9OQy1PXPQn1CWCV1j3/rP1H9q7Op9FitaTp0ondtPqh4OV40GhkNpsw+Hqfr4w2FX"
    "mPco3kDrmdNnjD8PumshCPujiYch/Rvabi1l7JyPgWb21GZZ2gWwTReAbnul215tCfC+7Y"
    "w+28ub2cWKdzh++3r3Gq6BsU3+6IqNQKyjj1gQQyQIAsldNOPMnVpLoavKJhQBlL+LPOZS"
    "gH8YXPwS/0MSU6DNqqeo+w8eans13DoxKpUXqM7btxfv33eR2NOxtY4r56zCQnVWXM0/s0"
    "itjxRpDCWi3N7QsH0E8xL0tHq7bUSj8nxec8PdQJ2CBzofFGeeXHFuEcwKlo80bYrjQpG2"
    "NsXyUKfc7r57dXv7LrF2X92kN9ZP76+u7w5eSBGIQdQvDZyd3bKtrkn83Ke6baNSlNrz1f"
    "iGKgz6dWSTItOC2YSms2dtHjtQAO6R1BRAQHWB/P+Vbt+o26Pp9mi7YfZGPBDijrI8Zd1C"
    "WWm6FvggNq1+6rTYju6JtmfM1fG6tsfrNCy6zVIvgkXrnmi6J5r6HM1gCXRPNN0TbedMVb"
    "Yn2vUMU+s9cRwsv70M8iVxvluGfyEwcjDzh9bINpF0yOXQVcDMzxlJDumzPhsOTWJ6cwKd"
    "16BQAn4gTpSITl0UdVFABwAmmRMboCXiTyzL+xt0TsVfXYk0sckM5o/dZzAsxLfAQAsaA4"
    "D64Q80qXg1V15MMMIG/IocZuLlYcWMlM8xHxsjX1yh/rjiUeF/H7pSGatyRSffC1zlx17v"
    "5ORV7/jk5fnZ6atXZ+fHq60he6psj7i6+QW2iYTa9G1QSzTX6rg7klTNODt2K4zNu5aExi"
    "mUUKGn1kq/SFK1MK7ZO6viWRKjinl9lvEtbb9PRssdIGLXqOV9Dse3cMKe9CrM15Ne4XSF"
    "U+lElBEkKtWKokQkbWRxpfX3pGT9PclZf0EjqdsmIEHUCk5vG1o4dWdWbbYniDTb12A7NX"
    "LUjGKGB8PVDVt16Gss1gcTC6vEdbExnUkTh46FkVIxsXbbIpA2Wa4WUmbexKlapIlsxcyJ"
    "t4Pxqy7W0gGTRC1ifnOtovcifbwzFwtF2Ilo86CPxkE1gdukDrI4TqIL/KWnbdoZleFreT"
    "Qvh7yFIb39DeFlI7cWwQ4ZyDSOusJOkTYgaMX2hFbJGTvugNg2z4nTFO9JSSp1dd41N6Sz"
    "StbzWYn1fJYDjNMImJZhIaogYKAb9hoij5Hp9VO19VORigQfuAsV4mU+3G82GROZVd/Jid"
    "MWjOyWRWxZjGYwXxFVrmEA4YBnDjKmnAqqn6BQvc0XQdV6P48fXNyQyO9HcKmDOMuGeJ90"
    "pSfUAFSgUbgKwdWN1QLwEQFc2APcy1keSzK40oT7myckgzxONHHdqZi6MI2QyQn0dnDRAv"
    "tzR71cIo3tbJs+U4TtVGS/u/XcEf/y2rMdbuftconzpXsblyMHhhxacUd7K7acMfjOEQjb"
    "m4mP1K9BIzYmzCYEjQkx0RQ7aCI+2wM4AVZSgCuiJuCOxEDTIuZhdpdr/OpP2Pl224pUIR"
    "BLU3Hq4k1QfJw0v1ZLWYAjTtUaV+WWwxt699K711Z3r3+R0ZTzh5+JRcFkydvA0kNK97CF"
    "PxjQwjC6cnU5CZmVu0bYhgyqv4Uj/MrqUEo9uO4SWXxSALytexUfmxs8+HNZE47CEFsMMf"
    "1a78NhGL0NCsNhZJPVRQxsw4vKfdHBUJvOLCkAF3ugwCxbRYbTZeBKcbddlHsxbosnDwGc"
    "4TU1Plc5fG6O6Coa9DmUOpMmrxrLbmAairJ1y4qMz0bJuRo6e5KqFfiwTWfbJ9b7qnxOEK"
    "nM5k6wyYqNmDIkH1tmsgSPvnv2a+BMlssaOKP83qiBM99BQFADZ75DOQMEZv0PO4dcy1t5"
    "eRcpIYWbY4pKYUR05+39/W/If9Qw9iBDDMEkragFNrx9anjatuBpK/1/jcUsTatXMpVXMg"
    "1ELP7O9jP0oXjrnCCu8THmTu0Uhz8Sw7pVQiBxP221KEjxhNBdY9WCiXl2jhlVvPMHw1X2"
    "tK256feOq5bUKK2pUa9jTFn9krZ1jNlCAZPI616vZn2SbI/xjj6Y6bkEM2F5QWFr2AjgxV"
    "Qsr+ggSCA9+sfhT+gfMraMrYotS7aNfwwLStXMkE1SqWwQcqEH+UH+wCCkURWt3ViD2y+C"
    "uENWhwUJd5Cj3M6S9D6XJW/pbM5tF0WPrUB8iwjrql4FmxWFyupOZzEVDzo4OjpCDp0wqJ"
    "0XPbgS7QHE7vNIuecM6osgh1ThD2DdKOMWmL5ewKTwItoBpbIDKmrpkkILlfXLioh0o6zq"
    "jbJM6sD7mwObYKemhZclbZ2VtxFPul/Ot37+YIZuQxrr/rmH0rzFcwqYqnXYmyTVHM5wWD"
    "eVaZSdOthSzOp2BVt0dlGbpa54dtFHh7+x5FNlwmrhqW5ZKM1xxM3FqBpJRBafUAZg4bFF"
    "J1P3AmE0ssUViA0pO9QmhosOhkNIcf/ns+DMM8jqEdsvMdFoKSEm0O4NXF7UB5Bmkowavw"
    "ukIAHKhQyHh+B7xsgURqRB0MTGLHYt/2jxpfzfkHErf75+d9Nnc25ZDlpQd/rkJFwdTNxA"
    "MFHX4N4gdBw6XlAzr99Lmf8somkhk5v3EoPpUrezZpymdTn6zbOYcVYv+LEiaKHrt3deZZ"
    "nonRevE3Au3SHWJANIWRbXrLVaZAg1wysxPFSUBp5N6/A7Tacwuzugg41t2UPYfJZRJash"
    "Pk6r8B6GlWA+TjPcD5TS2st2mk517gul2nYhvBdq4Q4yAM0hLg6vQNbqt9788u7r9QNYS2"
    "p5w5NkqgsjVKzU+hS0M6xYAPvpFqniDCNf5mIbcdaQepKyhVLfEylXiup6znoOT0enjSgr"
    "X3W8m28xM6GjZiffw7k63f2Wl3MajKxcyJYz8hxmH4K9X7r8iAntRuMaJ8JjF7p9rnyT0m"
    "3ZReSLj3g1JZTV5Q+EOXklbjdyD+19VMv7qB1kW1DvpY+grqmVINIusm8zWevxWo/Xenx7"
    "9Dytx39X8t11Y4Ndr9ENKHoZyyjJ4Cx333Cb0An7lSwlk2/EE+H8uFFg1XwKLrNnzP0azp"
    "7waPQ123ixsjXik0q8u3hj4mOYX19+fH3583Xn625MTeD6jUmYS93cGr2J890yYzN4QTm0"
    "cnXeVbcTbBjcY1B9BWGGgsssV37dCzQcHoR/dFHQzPrQr6jrT4WSVioNXTy37G7cYgl7bK"
    "fL7Wq7U9udDQY7BD/HdOJB7coo7oHCtgS7N5fa250+FWtCQ/HcQ2RYmFZNXU3Gnc7OqoSd"
    "zs6Ko05wLpV0D6116vB+RaA85/2uQYspYdD/Y4EdZFH2sF6ktXdWZd6LUSW8144C7Si4CM"
    "qvSe/0uoUR48TamtTWpNIfsrYmtTVZYE1eEpsa006OHRmc6ZZZkDgaowua7dPn3C2xxgrz"
    "K4sV0uIES6VU0jXDUxtR+uGjqsHhYHgLubuR4h2GRCTU6toaI9l+/bLd6HKNVR3bKQrn6/"
    "8DWvQWZQ=="
)
