"""Migration 12: occurrence exceptions.

``bookings.exception_fields`` says what was changed by hand on an occurrence of a series
(room_id, time, title, status); series edits and imports keep those changes. The database
default ``[]`` serves the raw bulk inserts (COPY, multi-row INSERT).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
ALTER TABLE "bookings" ADD "exception_fields" JSON NOT NULL DEFAULT '[]' /* an occurrence changed by hand: which of room_id, time, title, status */;
""",
        "downgrade": r"""
ALTER TABLE "bookings" DROP COLUMN "exception_fields";
""",
    },
    "postgres": {
        "upgrade": r"""
ALTER TABLE "bookings" ADD "exception_fields" JSONB NOT NULL DEFAULT '[]'::jsonb;
COMMENT ON COLUMN bookings."exception_fields" IS 'an occurrence changed by hand: which of room_id, time, title, status';
""",
        "downgrade": r"""
ALTER TABLE "bookings" DROP COLUMN "exception_fields";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXWtz2ziy/SsofYldpXhsxU68nrtbZWedjXeS+Jaj3N3aaEqCSEjimgI0BGhHM5P/fh"
    "vg+yWTMiVRDL4kMonm4zTY6McB8Ednzkxi86N3hJh9dk9o5wL90aF4TuBH9mQXdfBiEZ2S"
    "BwQe26r1BJoNhWynjuMxFw42BJyaYJsTOGQSbjjWQlhM3qdziTgxHCKQRRFGBrYJNbGDuD"
    "sOm6Evdx/QQXgKbs6hIaVMgCw10Yxgkzj88Ah9FswhJsLq3iYz4OYWnW7uNgNqCY4+v798"
    "2Tt7/TNilKAFcZDLifMzcpjAAm6PLIEc8gCYcCRmBDHblLc6ks/oUus3lwBgUwKnHHjSr7"
    "/CYYua5BvhwZ+L++HEIraZ0Itlyguo40OxXKhjN1S8Uw3l64+HBrPdOY0aL5ZixmjY2qJC"
    "Hp0SShwsiLy8cFypI+ratq/RQG3ek0ZNvEeMyZhkgl1balpKew8QHesMh59u+8PP1/3hsJ"
    "PpBYFETGP+IYNR2YPgUbl6+6l8hJe9k9M3p+evXp+eQxP1mOGRN9+9W0fAeIIKnk/9znd1"
    "HgvstVAYR6CqnjucYT7Lgvt2hp18dJNSKZTh8dMoB5g2F+Y5/jaE72AqZvDn69MVmP7f5d"
    "3b95d3B69PD+UNGXztniX45J/pqVMS9ghm+BIlFEMssjD/Hc4Ia07yoU5KpqA2fdGj4Mc6"
    "wAcHIuQjy7UN6OEFzVtqL32Vr4C+f/Px+nP/8uP/ytvNOf/NVvhd9q/lmZ46ukwdPXidUl"
    "N4EfSvm/57JP9E/7n9dK3gZVxMHXXHqF3/Px35TNgVbEjZ4xCbsd4ZHA1QS2hdmsVhJbMV"
    "k3jadjX/q6rBeMnhYHIfs13ywBgb94/YMYeZM6zHcu2cBDarh1tK+gz+Ucq4gWfH1CA54P"
    "suwRf/InulhO9BHwuORvd38GM4zsa7Hrw5vC8R3ihw+fnt5d+vO98TwCdxlqfmvXn6CKZ4"
    "qt5XPpl8Dh/HOzKBj2xW6Holzq/0vhyvZTUHjCK2wKAZ5EsjJd1FPPByUMzJOUJ3yq0Bd+"
    "mekIXn0Uzw3LKX4PEQQA2xCcJZ/2sTdxlQ5WOBuLpYwst6nDE7kNGuVgNdLU81VdysSKIe"
    "Fys70u/Ox3r1uoSP9So9eEc+ljyV9LG0K6tdWe3KbsiVJd8WFlxtDa0nJVuo9T3RcoDJSj"
    "X77sUaak5K1qBmv1dqLW9Ay8ptXEvLCUmt5SZruQHZh12Px5vIPzyVU3gH4Z01pb+Q5Yaz"
    "Cs34VGrOKzyR0KkvB6FQz8k9BNoozjnIFyqXaijGUsfmzYrNyRxbdpWwMRRobsTYMTAnLy"
    "fMNomZTk+VCR17Z2ViR2hVGDyqc8nocQI3Hqo/KoCdENpUKmS7I1MS6ePjMkgfHxcjLc99"
    "T7nydgHI19SdZ8amlDNvbxnrzpzMx57lrdLFsTm36AVS/w3k20wmF0j9N6DeFS9Q7MoV9X"
    "JSJkd1UpyjOsnkqCyIgw1hPeRo5ooB6JgW2PG4XEorYxDclFoCM7RdV/vq9vZDwsu+uumn"
    "MP7y8eoasFfQQyPL8ykCQx8BvsCcPzJwFqrmBTOCa30L2wlvOmPDWS7Ez0oULsCQzaYWXa"
    "vLlzJFJytM0UnWFHk51gdwm+TzlvdeMnLbi0qOq2rAnS9UWQZJ5gyBZ14iTrh8cIQFYoGV"
    "3ZKnE2FfHfWd4H3SaMdRZ79/7Oy3uzDX1HpSUmu9KVrPyaCpp69AN4nnU9MshJRr58u/++"
    "WO2KrKX5wNSnMf9qw7FGWFEp8TXljDe7J8JlKXC+sXsmwrRuDV38NFnonRlXeVtoLEiWOR"
    "Z0L0ObxGWxCqlDaNpWZCJnsxoAFh7mlYE/T5RkRJ9QBbIcXsG6icJHNkuorTzHEj+TSprT"
    "8jIeGfIz5jj1QFHZKjby/jVDN5/p4sxBEajRYwclnfRiNkmYQKC95LstLklAHb4oIfpUOW"
    "Dd5GZ8SblRGvmqNtcXp2IzkR75uolJEKJZpbc1gX4doTrWA5K6f84jKtg7h+IiA32CLP+f"
    "rn59tP+QBHEulA2DIE+lONBhsrMPzPxKWGYliPXcsWFuVH8n5/q1hyqCO/LRFKxMABzAcf"
    "L/+d1sDbD7dX6eBWXuBKZ6ZanqMok5kKdDdeVqP6ZOTWSvU2zHGvO9nbINJrw5Deky+oFE"
    "/OxlwMXb6W6UzLak03WdOa9/ojaFnzXjXvVfNeC5OSrmmJ6weinjubmIzOdlcmJ2W7IZEN"
    "N0+F/dqRWUOx9DoQnPP/BHB/rZQUvLKmP0pe8C+93qtXb3rHr16fn52+eXN2fhwageypVd"
    "bg6uYf0iAkrPnT2cPqI+w2g8+t6qO9sSd878wZVh9uM3Ibij33Lx2fxtavAa0Db1JUR/dF"
    "EMPLkkrM/5TYFinSm8pUboH2j42gWlwB5vz6cgvWPqg/F59ykErPYkmKtbB296pXZpmJXv"
    "EyE70CqCuZ5ISMtsVZWzwmEwgfq9SSIoln1ZIahuu2i0Z4IvJi+WLYQwGN+vqoOwRem4tc"
    "G1JsrJNSrfM7TnrnZUgAvfNiFoA898wV4+pLtFy5lm16r59Js4TnuquSLGO/lZ5svI+xXH"
    "FyxABVV/nwg/at46TU75xp1tpmJxXLHNzvjFbCOC7TZJw7N5efLpF80i4iR9MjdO06bEF+"
    "uiKOvd5kyvrjPHgeCvcfzpjrVKJeZQT3wH/r/DGAYZEOpPX8Ougcn18cHw+g2aDTO1Y/Zf"
    "b/6OjoezDxFduPeMmRfNdy6tq246cnY9YwsEZwekW1der5SUldz29yPV8TG4s/qPYWl/SU"
    "27ZpPedjX3/KrWEz7jrPnfv31rvKHvaBUtMjHcbmz52ODJdoEzybzPgEvSkn4RPraMX5nn"
    "ifLjfjL8gQoQPmqM14pMblSvGWOJQT8OQViYlMV4KFRqOvXGBHdOUaJYejUf70vhquWYbS"
    "E9zGT2eqi1Sk8+hE1DMTUVKz1QpZMYnmkjY6XjQYbYowjqVbtx+leF27ohMTCrXQf9lffy"
    "XrpoLVq6paX0QrttGKBR+bV2OsRBKtq81tJJes4/pi9PczwisT16f8vpJ+R0pKz9J4epZG"
    "3Ol55kyNeLl6z0AuO1sj1cGaNGPjHRi7grAyONVdvUOtalQhrAS0hMNsG8K8B2bgsWtjZy"
    "lDQBUKBtdDBwuH/ZdIOmwXHG1LkDGDl1UlmcP82LKuC2tGQ7MCSc1o8B2l0zJ+0mmxm3Sa"
    "8ZI0o6H+dXjWyjir1Efclj4vqRoz3XumlJ3kVlUeOmcEDPLTK7YIDZLgG56jmPIgDLzAhi"
    "WWOqeph6KdWEtNrtu3hMjEZiyHjF9oEsL2ekZJzkLtgf0tj2dcRGcY8mbpMHavXjXr/aza"
    "vCQupvcuKb93iZzw4a0itYCA+AHnTFNdiXuu/BYVEB7ZWw3EHy6DfZ98KzAkKbEWlANWJa"
    "Cv/91PwJ0hyob55w+3n/4RNE+zZzVRdsOGW4YmnPxWJemelGr85jvjpb/xjv/g6NGBL9sj"
    "Asgo8AX3jiCbGffp/OR2FCGdSL7AFDCFO5k5eYRCbeSJNlclNqNTwkWoCjYJ1YAO5LrgUl"
    "sYxmhrOiXO4QU0dOGlECfYMWZegkUTypvjSu5JBVITynXhWRPKfxCtFxHKNd1A0w0aVhvp"
    "VqAb3EGfv7t521/FN9BlKb2rlt5Vq1XVzRU0n9SHubrWOazE96lU8/yqbqA6hv80v2bKoP"
    "4Z37AF8wV0EXSrRdCkEsqWkxJC2ufJy8hvfcJMGxFd4UWG9uV5HmTLZi2mvcdYp8onqiaq"
    "ytHA8UxU2+cbpoFNmsDKXvkmXYTA58xbTSxyR1csJhbzfJ9mAV/6jFzmZGZ4ooMv/beHR6"
    "j/yCSfd2I5c5l79y8vE73hpFEq0/GIwT82XlykU7obucmAyjSzHBjHmEMLMnG5t9vkAflm"
    "2K6sEaGoH6CfghR0F3FCVI56bk0d5d3yQrLx1w5nruN9K+SbIA7FdujmJNyh2KfqT3Htoq"
    "8d9kjDxa9jh/Uk2B34SsISeYyGVetZiVwug+Y1FfCadBV9R1V0PfO4xVUsPfO4pYqFD1C4"
    "Oek3OSJdU3ee8dbTn68v3eThqbOAvggKvUD+jwEN3byLyOMbUIfIiWDyYPALWsoXl5PIoG"
    "XwM+1clppPUvuuw17mtFqGICHT3EU1dpZzYYbhOg4BPQ+lgcq3efnQ5oiusn21QF3L1+HH"
    "MEQGOhh5PQRFb1Ous69AWdq5zF6nBlH3D5zkDM7Fi4vmye7vDs8dTGNYI2OG6dRjl8EvsD"
    "mPM8uYBZNW4bvtItmD5L8QF0AYGRrg5q0/GkWtZYOdSGKt4aRhLKYNzSdMfkdROqACzimx"
    "9oG9kciynYu0dB5ny9Dd+elZLs5ZKdTPVqB+lkVdk7NrdXD0Fu5bAFdzPdvC+tNczx9R62"
    "W4nvGqSkkbGhfR9XnNeNCMh2YW5osYD1FVPmMIagC15TvUx41fo7gONyaZL5gg1FiCsjo5"
    "lIdUi+4q5oMVtZU7IpdnQBCAmZj+nMFHS8wUPYDDkyC4jjzvOpSrgxPL4QKOcFAksgB3GG"
    "SD5J2crSfpCtkl0TZ0j1zCQmy7bW6wher1cIcMZUGTD7ZJPqi+efpzt01vmrGqfbXtoHOX"
    "znAGAo2ul/lJ5wXxqEn+DmU+IerIi1XXSRDVv0XZPclZc6UYfr95k8FvVsbT2wR2hvmsWt"
    "4zKddCvOvvyjDWqvJHxQAoKaWt9N6n5bbqcexnfqYoK5eJfHccUYg7zxB2VgUVYaNycYUY"
    "+ta1dGjhdWLw26nwnH5M0WgUC2peQlQjWdBMOvDg/cN5HIz2L3jXr0FbgiMI4nLiinpvMK"
    "DwRpRjr7juQLThmBxhnrmquujhBTJsbCnCNplAzO3txMKc+678RdWfcLlH4nQH1LsRVpHQ"
    "MicCghgG7jOF7yM35gmMbanAJ3SfdPCjg582DquJDl7WNUwINdkvVLSo8GmRZN6oKEit8D"
    "vUMVAzurSOgVoVAxWxkYv5rEUE5CbxETqRD/KC+5S9YBdxLizbRo5L6c62jBszM8eAFE+V"
    "Cdq3gTa27UkyM3ApiVOJ7xoTaQbNVd62Ks21DoVshKSqcwNtneXSkGRAnzi5e0mo491VIb"
    "+AFhtZV8XA84U3aKpn0nHpLuNSvc/BZinyUWcvi3Ak0VzWdpMQVnN4K0+XSko9c6ZU0/p1"
    "xdlQ1KwMX1zmhwZvxmzLxMtqLnVMphk+9VpTx77+MfA+owH8Nej0jntvXh6fvjw+G0Djge"
    "wiqRN/8U5I6Lwz15iDlzHofP+1XOi5be9cT/6owffY12BHM9Wfjn70/IQfUetF8xMaEvL6"
    "S4Tdueqli1YQU6e7JVYRGzrQsmS1+4M1l2VkucrXnMzHMBi8CBfy6qKpzcbYtpfoYDRSTL"
    "y/ekdGo0MEElJKrvQVrJeMvA3PEtXuum8woLKg9LO3Fhj0AMQXxLAmloE4EegB265k6oKH"
    "gEYjCfNoBPfFlCPKwEmBZ0FYyIq6QDZ5IPaKNcQC5qH6kbd+mI77txn3t5Q66vV38KDDPv"
    "4nCmadNGDJlKDvl+/PcZHG7oCzM49S6st0vRr5cG5RV+St5b1ym6E88QYX83YG9Yw51u9y"
    "5kxusFsIcVpMQ5vTiy0KbpSwDLJOH84V1jDnG4vAVxouiDN8JOS+orXIlddg54M9Y66zNt"
    "JZYQ1zFmYdXBdDrYPrTZDL5wvmiCssjFknj1YeO91dSShXDUuG1bcQtMpeqKTRWF4dTRw2"
    "l9RoxYi+UOzthY1pF2FqooNHyb2Gu9sWMQ89arcrDDbPmZha98Vzwl8d6e4y0t32OnANI9"
    "JsoQQrv+8qAAftG51KkB88+lN958t10gfnJXA+L0T5vCw3dUU33pPVcQFnSkwfakv9ChaE"
    "a0bahqlnrVTijYk0o8LbKtYkd+dz7OSwhosVEhPRCqldIZYg80rfRyjQDGWsw39orDL0Go"
    "uaw6AD7rbM5vY3F82JtaNtR4vD7Gh703KrQIUrgR/c3X35cI24O+ZEHMoqL0aP2LZfGjYz"
    "7lXAjCxvenNQanvB0e9yWSZ0jb3oP7P+U21XH9DYouUWj6Zze5OqR6Nwo4HRSMXso1Fqff"
    "zRqAvhPYpvoPWCDyhlL/3dtZAs+6Opi+X0b7nt1lLVztlEysyfu1mWTgFsMwWgt73S215t"
    "ifC+7Rl9jpvXs4sd76D99v3uNVIDE4f81oWBAOzoAwZhWQmSheQumjMqZvYSfFW1CYVP5e"
    "8ilwpL0j8MBr/gfzmJyfdmm+eoew8eeHsV0joxqSYbqM779xcfP3YRjOnYXieVc1bCUJ0V"
    "r+afMVLrM0VqY4k0bmyoOT6S/VL6adVG20imyf15zQF3A+sU3FuLYfHMkyvGbIJpgflIy6"
    "YQB0fa3hTkgU+53XH36vb2Q8J2X92kB9YvH6+u7w5OlAqgkeUtDZzt3WpbXZN4c5+qbhuV"
    "ktSZr9oHVAjo19FNSkwrZhOezp5t89iRC8A9kIoK8KUukPd/o7dv1Nuj6e3RdgP2RjIQcE"
    "e1PGXVhbLSci3IQWza/dTTYjt6T7Q9A1fX69per9O06DZrvYgWrfdE03uiNR/RDJdA74mm"
    "90TbOaiN3RPtkjhW/vwS/0x3FecFR21qXblQUzh2SOEojDmLI/vioLMNVaXeWZnqKLQqTq"
    "KcZSqk8qOqgLDfvIXobmYtSC/VVKU0ERPZB8ZGowoQOyVwfv9/bJHS7Q=="
)
