"""Migration 8: on PostgreSQL, keep ``rooms.max_span_seconds`` once per statement.

A row trigger ran a PL/pgSQL call for every inserted booking; a bulk import of 50,000
occurrences paid for 50,000 calls. A statement trigger with a transition table does one
grouped update per statement. SQLite keeps its row triggers (they are cheap there).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
SELECT 1;
""",
        "downgrade": r"""
""",
    },
    "postgres": {
        "upgrade": r"""
DROP TRIGGER IF EXISTS "bookings_max_span" ON "bookings";
DROP FUNCTION IF EXISTS compax_room_max_span();
CREATE OR REPLACE FUNCTION compax_rooms_max_span() RETURNS trigger AS $$
BEGIN
    UPDATE "rooms" r SET "max_span_seconds" = m.span
    FROM (
        SELECT "room_id", CEIL(MAX(EXTRACT(EPOCH FROM ("end" - "start"))))::integer AS span
        FROM changed GROUP BY "room_id"
    ) m
    WHERE r."id" = m."room_id" AND r."max_span_seconds" < m.span;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER "bookings_max_span_insert" AFTER INSERT ON "bookings"
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION compax_rooms_max_span();
CREATE TRIGGER "bookings_max_span_update" AFTER UPDATE ON "bookings"
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION compax_rooms_max_span();
""",
        "downgrade": r"""
DROP TRIGGER IF EXISTS "bookings_max_span_insert" ON "bookings";
DROP TRIGGER IF EXISTS "bookings_max_span_update" ON "bookings";
DROP FUNCTION IF EXISTS compax_rooms_max_span();
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXe1z0zga/1c0+UI7E7ptaKFb9namZcvRW6A3JdztbMMkiqMkutqSseSGLMv/fpJsx+"
    "/BTpzEMfoCqaVHln+PXp5X6WvLoiNksqM7NHYQm3bpAyKtC/C1RaCFxI/M8jZoQdsOS+UD"
    "DoemInC8mn0uq6oiOGTcgQYXpWNoMiQejRAzHGxzTOXbWpcEUBt+dhHwqYGibgPGqYNGAD"
    "KAOQMf3lw+7Zw9PwJ3lENJCx4QshngUyRatrA5fykacBkCdAygfPWIGuLdmEw29pYecWQ1"
    "Qa4aEyWP4n+v9mxKzYDmSHbHJVi8XkAzQaLcEZ26/yQeYzJCXxAL/rQf+mOMzFGMD3gkG1"
    "DP+3xuq2c3hL9WFeWXDvsGNV2LhJXtOZ9SsqiNCZdPJ4ggR3ZYPOOOK7lBXNP02RcwyOtp"
    "WMXrYoRmhMbQNSVPJbXXgfBZq99/f9vtf7ju9vutFL8Dighz/EcGJXKsiK4y9fUT2YWnnZ"
    "PTF6fnz56fnosqqpuLJy++ea8OgfEIFTzvu61vqhxy6NVQGIegeqxJA/tqCp1sZEOKBLqi"
    "20l0AyyXwRs82BG+FvzSNxGZ8Kn489nzJWD+5/Lu1ZvLu4Nnzw/lC6mY0N58f++XdFSRxD"
    "vEV02J/hSyaRmM41TV4LzbYRyD+flpAZifn+bCLIviMBsOklD0IU/D/Jso4dhC2VDHKRNQ"
    "j3zSo+BHNQM83AO2Ab34wNEtEVPWY/kS6Ls3764/dC/f/Vu+zmLss6nwu+xey5KOejpPPD"
    "1IzoZFI+C/N903QP4J/rx9f63gpYxPHPXGsF73z5bsE3Q57RM668NRZHQGTwPUYlxHX2ws"
    "WluB63HKBnJ9T7gcYLKUzb54sQKb45QVsNkflZrLG+CyEhtX4nKMUnO5zlwWSoPTLyXJRy"
    "i+L87vwcpchUQvdaTxQ6ZAL+FKo/taqHd4Qn5HcwXyjegRJAbKANXXdj/6zewZuN+C0RM8"
    "DWezA2cLpTI6qMS3iy9G3BPJLz+8uvztuqUQHkLjYQadUT8GtSyhHZp4sqibLrI6VvIJJH"
    "CiwJFfIfscRT3D9hBwI9/mID+omKkhH0utm9dLN0cWxGYZtXFBUF+NsWVAhp6OqTlCo6R5"
    "qojq2DkrojuKWrnKoyqLa49j8eK++qME2DGiTZlCtrszxZE+Pi6C9PFxPtKy7FtClDdzQL"
    "4mrpXamxLCvLllrFsWsobeyltmiMORhckFUP/15NeMxxdA/dcjXosXINJySb6cFLFRneTb"
    "qE5SNios9GCD48cMzlxRATokOet4lC7BlaEg3BRbgmVou6L21e3t25iUfXXTTWD88d3Vtc"
    "BeQS8qYU+mCBb6EHAbMjajQlgoaxdMEa40F7aj3rSGhjO3+UtFKhqgwKQTTFYa8oWWopMl"
    "S9FJeinybKyPQmyS/S0uvaTotqeVHJflgGvZyi0DEBkBJPo8Bwwx2XEAOaDBKrslSSfEvj"
    "zqO8H7pNaCo7Z+/9jWb9cercj1OKXmel24nmFBU71PmXvyrRNRe2oyCiEh2vn0r3+/Q6by"
    "8udbg5KxD3s2HPKsQrHpBG3cf0DzNZG6tPHvaN5UjIRU/yAaWROjK6+VpoLEkIPRmhB9WL"
    "TRFIQ2aTb1J12G4TScjvmm0+jE/36gVneKhAwt5CYOMANsSmdECdIvxb/mPBo+JcsfkM2P"
    "wGBgi9UYfxkMAB4hwrH4LhlpBTABJmacHSXF8A2+Rlt562XlLWt3bLDJcSN6vjcnSllZFh"
    "T1taOvinDlxkOxcpY2Y0VpGgdx9cFtzKB2lkDxrw+377MBDimSyh02OPhb7QYbM5r/MnaJ"
    "oaKGhy42OSbsSL7v15Jm9CpsthKhmF4XwHzw7vKPJAdevb29SipssoErbW1puN5dxNoS8G"
    "44Lxe+kqJbyXxZs4ikqg2YNQrkrBnSezKDCsV+mZDxvstWWjqTtJrTdea0juX8EbisYzl1"
    "LKeO5cw1SrojzK8fkep32jAZlraXGidlvT6SFTcf3nnfklZDPvcGkCjz/xTgfiplFLzCkx"
    "/FLvhzp/Ps2YvO8bPn52enL16cnR8vFoF00bLV4Ormn3JBiK3m37celt9ht6l8bpUfzdU9"
    "xXynTr/8dpui25DuuX/m+CS2vg9oFXjjpFq7z4NYfCwqFc2eINti2O+mLJVbCGWHRuBYLg"
    "Fztiu6Afn81dviEwJS4cyMOFkDfXfPOkWOTujkH53QyYG61JIco9FrcXotHqKxUB/L+JJC"
    "irV8STXDddtOIzjmWbp8PuwLAo366qg7SHw245lrSP5iHadqnNxx0jkvEgTQOc+PApBlGZ"
    "ar3RharlxsjrzPT5lZFmXtZUaWoV9LJ9Duoy6XbxwxBKvLTPygfuNiUqoXznTU2mYTZaUN"
    "7i9KSmEcpakzzq2by/eXQPa0DdDR5Ahcuw610U9XyDFXSxCsXs8T/SHi/f0pdZ1SoVcpwj"
    "2Q31pfe2JbJD25et73WsfnF8fHPVGt1+ocq5/S+n90dPQtSOaE5gzOGZDfWoxd2xb8dIJh"
    "BRtrCKfnVFvFnx+n1P78OvvzdWBj/oRqrnNJp5E2jesZk331NFLDpMx11s1ne+W1sodjoF"
    "DKn0OptW6KrWiiSfBs0uITjKYMg09koOXbe6JjuljGX2AhAgfUAUJxAZLj8vRzzA9lAp5s"
    "EY3AyJVggcHgnnHo8LY8d+NwMMhO76ugzSIhPcFrfHOmaqRkOI82RK1piJKcLefIilDUN2"
    "ij5WmD4UH/w4i5dftaije0SwoxC6IGyi/7K6+kxVSx6pVlrU+iGVtrxgoZm5WLWAkpGueb"
    "24gtWev1+ejvp4ZXRK9PyH0F5Y4Elc7S+H6WRlToWTNTI+qu3jOQi2ZrJAZYnTI2XovFLk"
    "etDIray9TKsVephFop0OIONU2h5j1SAw5dEzpzqQIqVTBoDxzYDv0fkuGwbSFoY46GVHys"
    "cskcZuuWVTWsIxrqpUjqiAZfUDotIied5otJpykpSUc0VH8Oz0oWZ2X6iK6l6xlVI0v3nj"
    "FlJ7ZVZYfO2AED+/SSay8DI/iGcxQTEoQBbWhgPtc2Tb0V7WS11MF1+2YQGZuUZgTj5y4J"
    "i/o6oyTj8PFg/S2OZ5REWxiysnQofVCfmpZ+ll3IESXT93EUv49DJnx4p0jZQiF+hBlpqk"
    "txz6TfIgMWT/aWA9HOpbDvoi85C0mCrAHugGUG6Os/ujG4U4GyC/vz29v3/wyqJ6NndaDs"
    "hhduqZow9LmM0T1OVfsLZYZz/zIZv+Ng5oiZ7QUCSC3wCfOeAJMaD0n75HYYIYVIZkMiMB"
    "VvGmXYEXK5kUVaX5aYlEwQ4wtW0PGCDeBAngsuuQXFHo0nE+QcXoiKrvgowBB0jKlnYNEB"
    "5fURJffEA6kDyrXjWQeU/yBczwso1+EGOtygZr6Rdolwgzsx5u9uXnWXxRtot5S+KUrfFN"
    "Uo7+aSMJ/ExFzu6+yXivcp5fO8Vy9QA8PvzaeUG9Qv8Re2IF9AO0G36gSNM6GoOylGpGWe"
    "LIv81hNmmojoEilysb6sJ0E2LGsxKT1GBlV2oGrMqxxuHGui2jzZMAlsfAksLZVvUkQIZM"
    "6s08RCcXTJYWIRyff7UcCXfkQudVIZnuDgY/fV4RHozqiM5x1jx5K2d795aehdJI0SaY4H"
    "VPxjQvsiadLdyEt6RJqZ5cY4hEzUQGOXebdNHqAvhumqS+bDcQB+CkzQbcAQUjZqC08cJd"
    "2y3GDj+xajruPNFfSFI4dAcyHmxMShyFT1U1zb4L5FZ2Rx+HXksU6C3YGsxDHPimhYdp4V"
    "z4xl0HFNOXFN2ou+Iy+6zjxusBdLZx43lLFiAnI3w/wmd6Rr4lopaT05fX3qOm9PLVuMRc"
    "HQC+D/6JGFmHcRSnw94iCZCCYfBr9ETfnhMolM1Ax+JoXLQvkkld867FlOy1kIYjT1PVRj"
    "ZzYXahiu4yDB575coLLXvGxoM0iXrX2VQF3J7PB1GCQVHQi8EQLCryk22JegLNe55NBdKD"
    "RF5eCQYqWVpmYBLlu48j2qKZbAOUHWPLA3onQ08/yO1mw6X+yEP621+50VQv1sCepnadR1"
    "3G6le5++3XsL4OowwKYEhOkwwB+R60XCAKMG94JraJREu261M1w7w+vps81zhocO29RCUA"
    "GoDb+8PLr41coNfjNClk05IsZcMKuV4Q1P1Ggvc4rjsK68LLe4cxwJmNHITyebYT5VnmMm"
    "egJEO7LcdQhTD8fYYVw8YYKRAAvcxSYb2HVkIpf0ZKdPy9rQOzJ92ZGbmJlBbTXqxRtS3m"
    "ztl96mX7r8vdrr3qhdt8Wq8oOYg8Fd2MIZENTalTKbYmMqLz3yolb8y6v8WJkjT1ddxUBU"
    "/e1VDyjjOI58+P3qdQa/XhZP737QKWTTcnbPOF0D8a5+KIu9Vrk/SipAcSq9Su+9WW6rEs"
    "d+2mfyrHIpzXc3GkUXOZknC6rnS7UHLmpsJMvGgJbtxXCoPmk5fJdyuD71brNe8XCwF0U4"
    "pKivo7ZOCKuIztLBM3GqNeNm6jauy8XGIDIqDV+U5ocGb0pNPILzUrcVR2nWuqh4tbn+y9"
    "glhkRF3RzFMWFH8n2/llwDWvdfe940klcYy1uLOy+eHp8+PT7zbjEWQyRR8LNXIKHzSq4h"
    "E1JGr/XtUzENfglr9IXGdZU99lX30c7p1ZUfHZLQZK7nhSTUROX1E0bvXPXRefmkqrhdIK"
    "e074iaBX1nb7GFOVM5nxayhmIzeLJI62yDiUmH0DTn4GAwUMb3f3hPBoNDICjG/o2kiytK"
    "veOvY46zql/QI9LB/NLLDBUjADAbGXiMDcAQB4/QdKVzTkgIYDCQMA8G4r2QMECoEFJEXw"
    "Dkglj8Y6JHZC7JKA2cDepHVjap1vu3qfc31FvkjXchQS/G+N8gCDSpQQJNMPaLj+coSW3P"
    "Q92ZRCn5NXI9z2DfwsTlWSc7LT10NotcxxOnoZ5SB/8lg2Uyld1ciJNkGtqMUYyJEKM4Nt"
    "AqYziTWMOcvVgEslLfRk5/htBDydUik16DnQ32lLrOykiniTXMaZi1cp0PtVauNxGhatnU"
    "4VeQG9NWVnhqpLi9NDZVVSyoVt8KpVWOQkUNhrJ1MHaoJSNAVcTJBZBasW1C0gaQjMDBbI"
    "oIEG83MRodqkLqcoNaGbGoVTeub2+tmaa77dTvusXVbN4Fa5W8ldCq9FbCDZkS5IQHf6t5"
    "Pl/FfHBeAOfzXJTPM9zcueem5Lq49+KsFIEzQSMfaqx+BTng9TDbUNXXUi7eCEk9PLzytW"
    "U9vFW4zDfil2WuZUEnI9o6nyEREs2QyhmCObJKzY8FQT2YsUr8Q22ZoY9V0DEMWuFuSgC3"
    "f9VEhq4dXkKRr2aHl10US/wMzuACB3d3H99eA+YOGeKH0ssLwQya5lNDXi+oFGaAifIbB6"
    "62Jwz8JTMxwTX0tP9UymdlrfdIeFwYwExQLy5FlJmkg8Hi2LnBQOnsg0HitLTBoC3UexA9"
    "TvkJ6xFCn/pnLQPp9gcTVzCQ+RcvSt+5d9Ofte7RydoEsE0TgD4EWR+CvKWA92Wb3iYOQX"
    "bcrJGdL3gH9bcvd69gGhg76HNbbARiHX2Eglh6gqQjuQ0sSvjUnAtZVSzji1D+NnAJxzL8"
    "w6Dil/hfJjH50mz9BHWv44G0V8KsE6Gq8wLVevPm4t27tryQ2LudvfQhfgUWqrP8A/xSi9"
    "TqkSKVRYnUbm+oWD+S41LKaeV225CmzuN5xQ23+vRs9oDtfn7myRWlJoIkZ/lI0iYQF4K0"
    "uSnIA5lyu/vu1e3t29jafXWT3Fg/vru6vjs4USwQlbB3GlB6dKtLVkbIy30qZfBKU2rLV+"
    "UbqlDoV+FNgkwzZhOSzp4d+t+Cgh+PqCQDfKoL4P1f68P89Yno+kT03YC9EQuEeCNHpPz5"
    "QEm6BtggNi1+6rTYlj4Gfc/A1f66pvvrdFh0k7meFxatj0HXx6DXH9FULIE+Bl0fg75zUG"
    "t7DPolcnB2folf0l4W8wLDOpWeXKhDOHYYwpGrc+Zr9vlKZxO8Sp2zIt5RUSvfiHKW8pDK"
    "SVUCYb96A9HdzFmQnqmpjGsiQrIPERu1ckDsNIDz2/8BzhCWtg=="
)
