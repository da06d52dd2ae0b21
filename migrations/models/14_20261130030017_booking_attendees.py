"""Migration 14: booking attendees."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": {
        "upgrade": r"""
ALTER TABLE "bookings" ADD "attendees" INT /* people expected (seat fit) */;
""",
        "downgrade": r"""
ALTER TABLE "bookings" DROP COLUMN "attendees";
""",
    },
    "postgres": {
        "upgrade": r"""
ALTER TABLE "bookings" ADD "attendees" INT;
COMMENT ON COLUMN bookings."attendees" IS 'people expected (seat fit)';
""",
        "downgrade": r"""
ALTER TABLE "bookings" DROP COLUMN "attendees";
""",
    },
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["upgrade"]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]["downgrade"]


MODELS_STATE = (
    "eJztXW1z27ay/isYfYl9RnEdOU5c5947Y6du49sk7jjOPWdO1JEgEpJwTBEsCcZR2/z3uw"
    "BJ8Z0hZUqCGHxJZBLLl10Q2Jdnd//qLZhJLO/oZ0LMO3ZP7N45+qtn4wWBH/mTfdTDjhOf"
    "Egc4nlhy9BSGjbgYJ4/jicddbHA4NcWWR+CQSTzDpQ6nTNynd4E8YriEI2ojjAxsEdvELv"
    "L8yWoY+nj7Fh2sTsHNPRho24wDrW2iOcEmcb3DI/SBM5eYCMt7m8yAm1N7trnbDG3KPfTh"
    "zcXTwemLV4jZBDnERb5H3FfIZRxzuD2iHLnkM/DEQ3xOELNMcasj8Yy+Tf/wCTBsRuCUC0"
    "/66Xc4TG2TfCFe9KdzP5pSYpkpuVBTXEAeH/GlI49d2/xnOVC8/mRkMMtf2PFgZ8nnzF6N"
    "pjYXR2fEJi7mRFyeu76Qke1bVijRSGzBk8ZDgkdM0Jhkin1LSFpQBw8QH+uNRu9v7kYfru"
    "5Go15uFkQUCYmFhwxmixkEj+rJt5+JR3g6ePb85fOzkxfPz2CIfMzVkZdfg1vHjAkIJXve"
    "3/W+yvOY42CE5HHMVDlzR3PszfPMfT3HbjF301QZLsPjZ7kc8VRdNi/wlxF8BzM+hz9fPK"
    "/g6f9d3L5+c3F78OL5obghg689WAneh2cG8pRge8xm+BIFK0aY59n8E5zhdEGKWZ2mzLDa"
    "DEmPoh/rMD46EHM+Xrm2wXp4QfPGtpahyCtYf3f97urD3cW738TtFp73hyX5d3F3Jc4M5N"
    "Fl5ujBi4yYVhdB/7y+e4PEn+jfN++vJHuZx2euvGM87u7fPfFM2OdsZLOHETYTszM6GnEt"
    "JXWxLI4aLVsJim+vXep/VS0sXmI7mN4n1i5xYIKN+wfsmqPcGTZgheucYGxeDjc2uWPwjx"
    "TGNTw7tg1SwPxQJfgYXmSvhPA1mmPR0fj+Ln5Y7bPJqQdvDu9LeLALXHx4ffHTVe9rivFp"
    "PotTi8EiewTbeCbfVzyZeI6Qj7dkCh/ZvFT1Sp2v1L7cYGQzBcxGzMEgGRRSI0ndR16k5a"
    "CEknOEbqVaA+rSPSFOoNFM8YJaS9B4CHANsSnCef1rE3cZ2lLHAnJ5sZSW9TBnVkSjVS0F"
    "Va1ANE3UrJiiHRUrv9PvTsc6eVFDxzrJbt6xjiVOpXUsrcpqVVarshtSZckXh8LV1pB6mr"
    "KDUt8TKUc8qRRzqF6sIeY0ZQtiDmellvIGpCzVxrWknKLUUlZZygp4H3a9H2/C//Atn8LP"
    "YN7Rmf0rWW7Yq6DGp9KyX+EbDp32fBCS6wW+h0ga5T4H8UL1XA3lvNS2uVq2OVlgajUxG1"
    "cE6lqMPQN75OmUWSYxs+6pOqbj4LSO7QijSo1HeS5tPU7hxiP5RwNmp4g25QrZ7s6U5vTx"
    "cR1OHx+Xc1qc+5pR5a0SJl/Z/iK3N2WUeWvLvO4tyGISrLxNpjg2F9Q+R/K/oXib6fQcyf"
    "+GdnDFc5S4ckO5PKvjo3pW7qN6lvNRUbCDDU4/F0jmkgHTsV2yjifpMlKZAOGmxBItQ9tV"
    "tS9vbt6mtOzL67sMjz++u7wC3kvWwyAa6BTRQh8z3MGe98BAWWjqF8wRrvUtbMe86U0Md+"
    "nwV5IULsCQxWbUXmvK11qKnlUsRc/yS1HgY/0MapN43vraS45ue1bJcVMJ+AtHhmWQQM4Q"
    "eOYl8ognHhxhjli0ym5J04l535zrO+H3M6UVR+39/r69375jrin1NKWWuipSL/CgyadvAD"
    "dJ+lOzKISMahfS//zrLbFklL/cG5TFPuzZdCjzCqU+J+zQ0T1ZPpJTFw79lSy7yiPQ6u/h"
    "Io/k0WVwla4yySMuJY9k0YfVNbrCoUZu04RrZoVkL2doBJj7NltT8HklrKR2GNvAxRwuUA"
    "VO5njpKnczJxfJb4Pa7uZkBfj3kDdnD7Y0OgRG31omoWbi/D1x+BEajx3YueiX8RhRk9ic"
    "wnsJVJpIGbCox72jrMmywdtoj7haHvGmPtoOu2c34hMJvolGHqkVhboxh3U53LqjFVbOxi"
    "6/JE3nWNw+ENAzmFOkfP3vh5v3xQyOKbKGMDU4+lvuBhsLMPzX1LcNibCe+NTi1PaOxP3+"
    "p2HIoQ3/tuBQygaO2Hzw7uJfWQm8fntzmTVuxQUutWeq4z6KOp6pSHaTZTOoT45uLVevYo"
    "p7285ehUCvinF6T76gWjg5C3t85HtrLZ1ZWi1plSWtca/fg5Q17lXjXjXutdQp6ZuUX30m"
    "8rnzjsn4bL/SOSnGjYgYuHko7Kee8BryZTCB4Fz4JzD390ZOwUs6+178gj8OBicnLwfHJy"
    "/OTp+/fHl6drxaBPKnqlaDy+tfxIKQWs2/7T1svsNu0/jcqjy6a3vC987cUfPtNke3Idtz"
    "/9zxWd6GMaB12Jsm1dZ9GYvhZUkj5H+GbIsQ6U15KrcA+8dGFC1uwObi+HIHah+074vPKE"
    "i1s1jSZB2M3Z0M6pSZGJSXmRiUsLrRkpyi0Wtxfi2ekCmYj01iSTHFo2JJivF120EjPOVF"
    "tnw521cEmuvrc90l8NoeL1xDyhfrNFXn9I5ng7M6IIDBWTkKQJx7ZMW49hwtlz61zOD1c2"
    "6W1bl+lZNlEo7Sycb7aMuVO0cMEHWTDz8a3zlMSvvKmUatbTapWPjg/mR2Ix4naVTmc+/6"
    "4v0FEk/aR+RodoSufJc55IdL4lrrJVO2b+fB89hw/9Gc+W4j6FWOcA/0t95fQ9gW7aFYPT"
    "8Ne8dn58fHQxg27A2O5U/h/T86OvoaJb5i6wEvPSTetZ64tq346WTMFjbWmJ1BUG2deH6a"
    "UsfzVY7na2Bj+QfV3eCSTrntmtQLPvb1U24Ni3m++9jcv9fBVfZwDtRKj3QZWzw2HRku0S"
    "X2bNLjE82mAodPYqKV+3uSc7pexl/kIUIHzJXNeITERaV4yg9FAp64IjGR6QtmofH4k8ex"
    "y/uiRsnheFyc3tfCNetAeqLbhO5MeZGGcB7tiHqkI0pItlkgK0GhLmijF1iDcVOEScLdun"
    "0rJZjaDZWYFVEH9Zf91Vfyaiqsek1FG5JowSotWNCxvWaIlZiic7G5jfiStV1fzv39tPDq"
    "2PUZva+m3pGh0lka387SSCo9j8zUSIar94zJdbM1MhNMpYyNn2GxKzEro1P96g61clADsx"
    "K4xV1mWWDmfWYGnvgWdpfCBJSmYHQ9dOC47D9EwGH7oGhTTiYMXlaGZA6Lbcu2LqwRDWoZ"
    "khrRECpKz+voSc/L1aTnOS1JIxrar8OzlsdZuj6Sa+njnKqJpXvPhLIT36r0QxfsgJF/uq"
    "JFaOQE33COYkaDMLCDDcqX2qept6KdrJYaXLdvDpGpxVgBGL90SViN1xklBYXao/W3Pj+T"
    "JNrDUJSlw9i9fNW89lPVvCRJpnuX1O9dIhI+gipSDhjEn3FBmmol3wvptyiA1ZG9lUDy4X"
    "K8vyNfShaSDFkHwgFVDuirf92l2J0Dyq78z29v3v8SDc+iZzVQdsMLtzBNPPJHE6d7mkr5"
    "5juTZdh4J3xw9ODClx0AAYQV+MQLjiCLGfdZ/+R2BCGUSM/BNvAU7mQW+BFKpVFEqq5ILG"
    "bPiMdXomDTlRjQgagLLqSFYY+msxlxD89hoA8vhTyCXWMeOFg0oFwdVXJPIpAaUK4DzxpQ"
    "/p1IvQxQruEGGm6gWGyk3wBucAtz/vb69V0V3kCHpXRXLd1Vq1PRzQqYT+bDrI51jhrhfR"
    "rFPD/JG8iJET7N77kwaHgmXNiifAEdBN1qEDQthLrhpBSR1nmKPPJbT5jpIkcrtMjV+vI4"
    "DbJjWYtZ7TExqYqBqqmocrxxPJKr3dMNs4xNL4GNtfJNqgiRzllUTSxWRyuKiSU032+jgC"
    "9CRC5zcxme6ODj3evDI3T3wASed0rdhfC9h5cXjt5V0qgt3PGIwT8Wds6zLt2N3GRoCzez"
    "2Bgn2IMRZOp7QbfJA/LFsHwRI0LxPEA/RC7oPvIIkT7qBZ25Urv1SsHGn3oe893gWyFfOH"
    "FtbK3UnJQ6lPhUwxTXPvrUYw/2qvh14rBOgt2BrsQpL0I0VNWz4oVYBo1rKsE16Sj6jqLo"
    "OvO4w1EsnXncUcHCB8j9Aveb2JGubH+R09azn29IrfL21HNgLoJAz1H4Y2iv1LzzWOMb2i"
    "4RiWDiYPQLRooXF0lkMDL6mVUua+WTtN51OPCcNvMQpGjULaqxM58LMwzfdQnIeSQWqOI1"
    "r5i1BaRVa18rrG7l6whtGCIMHYyCGYLit6k32Su4LNa5XK9Tg8j7R0pyjs/lxUWLaPe3w3"
    "MP2wleI2OO7VmALoNfsOY8zKkxj5JW4bvtIzGDxL9gF4AZuVqA1as/GlutdY2dmGKt7UQx"
    "FNOG8gnT31HsDmjA5wxZ95i9Ecuym0Vaeg/z5Urd+eFRKs5pLa6fVnD9NM91zDkobaQoRF"
    "zelCxJo3C+EiimzLEIIl8cyX504BHM0ZTyw5r8b1n90Uj4VtmZ63tfNzcsS6fwHN45czWw"
    "tisQSw2s/R6lXgdYmwxh1VxDkyQaDKHhJRpeoiYKogxeEkMgcgtBC0z96BGFHNStMzW5+C"
    "kFLLk2ycJhYJ0ZSxBWrwBfkhnRr4KZ0HisaD9dH25CgM1gbgUJmg+UzyUWw4MnQXAdcd53"
    "bU8enFLX43DEA0EiCnyHTTbylIrUSIENydef29A9CtEhid7mnsEcOevhDjl8iEZ6bBPp0b"
    "xT/WN71Ku2WLVe2jya3LXdyRGB0sHJ0MPvkAAHFraDC9FnR4Gtuo43rv1+cPekoMBNOfvD"
    "4SozXy33ctBxd469eTMnc5qug/xufyrDXitjTQ0NoDSVXqX33i23VY1jP/0zZV65nOW7Y4"
    "uC3wYLYa/KqFgNqmdX8FG4utY2LYJJDHq7zQOlH9toPE4YNU/BqhGQcyYUeND+4TyOdvsn"
    "Xj8M+FPuITDiCuyKdm8wtOGNbA8HSAYXrA3X9BD2cleVFz08R4aFqUTHkynY3EHbG+be98"
    "UvW/4Jl3sgbn9oBzfC0hJaFlhAYMPAfWbwfRTaPNFiW8vwWalP2vjRxk8Xt9XUBK+rGqaI"
    "VNYLJQZt9bRIwJykFSTLKY+0DaTGlNY2UKdsoDLodzl4uAztrRIeoRfrIE+8EB8ZtWz3OL"
    "Us5Pq2vbP+fBNmFiwg5XlJ0fguYPS2nZE0B5WSuI3AxQkSNTDF4rZNMcVtCGQjiGDtG+hq"
    "SpEizoA74hY27pDH+1UmP4cRGyliY+CFE2ya8pm0XbpLu1Q3ldhsPkI82etyOKZQFyKvEo"
    "dlwnTj3LQ01SPT0lSb1w1Tz2yzMfuSNN818+bMoiZeNlOpEzRq6NRr5el9+msYfEZD+GvY"
    "GxwPXj49fv70+HQIg4diimRO/BicEKwLzlxhD7SMYe/r7/VMz21r5zr5owXdY1+NHY1U/7"
    "b1o/MTvkepl+UnKGLyhvXYbn350mXl2uTpfo2SbSMXRtaMdr+lCxFGFiXVFmQxgc3gyapq"
    "Wh/NLDbBlrVEB+OxROL9d3BkPD5EQCGoRFm1qDg1CrrLpaLdbd9gaIuA0qug8BrMAOQ5xK"
    "BTaiCPcPQZW75A6oKGgMZjwebxGO6LbQ/ZDJQUeBaEuYioc2SRz8SqKNgWIQ/lj6Jibdru"
    "36bd31HoaDDfQYNezfG/UZR1okB9mmju15/PSRJl2w3tTKMU8jL9IEY+WlDb542y4svIFQ"
    "7m7YzVc+bSP0XmTKGxW8riLJlmbcEspjaoUZwaZJ05XEis2Vy8WES60sgh7uiBkPuGq0Uh"
    "vWZ2MbPnzHfX5nSeWLM5z2ZtXJezWhvXmwCXLxzm8kvMjXmvCFaeON2vBJTLgTXN6hswWs"
    "UslNRoIq6Opi5bCGi0RESfS/S2Y2G7j7BtooMHgb2Gu1uUmIcBtNvnBlsUJKa2ffEC81db"
    "uru0dLdddE8xIM0WQrDi+27C4Gi80q4E8cGjv+V3vlzHfXBWg89npVw+q4tNrZjGe1KKGP"
    "hsEzNkNZW/oup7arhtmHzWRiHeBIkaEd5OoSY9f7HAbgFquFwgCRItkNYFQjlZNPo+VgRq"
    "CGMd/IOywtA1FjWGQRvcXcnmDju5FtjacY/XcjM77iVbrwrUquz6we3tx7dXyPMnHuGHIs"
    "qL0QO2rKeGxYx7aTAjGqQ3R6G2Jx76U5RlQlc4sP5z9Z9au/rQTlSIp16czh0kVY/Hq64O"
    "47G02cfjTDOC8bgP5j1Kdit74g1tmz0NW5khEfZHMx+L9G/R42wpY+dsKmgWj+1Mpl0A23"
    "QB6B5jusfYlgDv287oc/2imV2ueEfjt693r+EamLrkjz5sBLCOfsZALCJBIpDcRwtm87m1"
    "BF1VdvwIofx95NucCviHweAX/C+SmEJtVj1FPXjwSNtr4NZJUKm8QPXevDl/966PYE/H1j"
    "qunNMaC9VpeeuE3CK1PlKkNZSIcntDy/aRmJdCT2u228Y0Ks/nNTfcDdQpuKfOqDzz5JIx"
    "i2C7ZPnI0mY4Doq0tSmWRzrldvfdy5ubt6m1+/I6u7F+fHd5dXvwTIoABtGgNHB+dssexi"
    "YJcp+a9ujKUGrPV+sbKhj068gmQ6YFswlNZ896avZEAbjPpKEAQqpzFPyvdK9M3YtO96Lb"
    "DbM34oGAO8rylE0LZWXpOuCD2LT6qdNie7on2p4xV8fruh6v07DoLku9DBate6Lpnmjqcz"
    "SHJdA90XRPtJ0zVdmeaFcLTK13xPOw/PZyyJfU+X4V/oWIkaNFMLRBtomkQ5yJrgJmcc5I"
    "esjQHtrjsUlM3yGi85oolIDviRcnolOO4i4K6ECASRziCmgJ/IlleX+DOhT+6kukiUsWYv"
    "64Q1sMi/AtYqAlGgMI9SMYaFJ4NS4vBoxwBX5FDjPx8rBmRsqnhI/NJl/4SPQLXzji/wC6"
    "Uhurckln3wtc5cfB4OTk5eD45MXZ6fOXL0/PjldbQ/5U1R5xef2L2CZSatO3QS3xXGvi7k"
    "hTtePs2K0wNu9aAo0TlFDQUxulX6SpOhjXHJzW8SzBqHJen+Z8S9vvk9FxBwjsGo28z9H4"
    "Dk7Yk0GN+XoyKJ2u4lQ2EWUiEpUaRVFiki6yuNb6e1Kx/p4UrL9CI2naJiBF1AlObxtaOO"
    "cLqzHbU0Sa7WuwnRoFakY5w8Ph6oatevQ1hvXBxGCVcI6N+UKaOHQKRkrNxNpti0DaZIVa"
    "SJV5k6TqkCayFTMn2Q4mqLrYSAdME3WI+e21it6L9PGeAwtF1Ilo86CP1kE1odukCbI4Sa"
    "IL/GWnbdYZleNrdTSvgLyDIb39DeHlI7cWwR4ZyTSOpsLOkLYgaMX2hE7JGXt8RFyXFcRp"
    "yvekNJW6Ou+aG9JpLev5tMJ6Pi0AxmkETMewEHUQMKIb9hoiT5Dp9VO19VORigTvGRcV4m"
    "U+3G8umRKZVd8riNOWjOxXRWztBM3IWRHVrmEgwgFPPGTMGQWqV6JQvcsewqr1QR6/cHGL"
    "RP4ggks9xOx8iPdRV3pEDUAFGoWrEFzdWC2AABHAwB5gfsHyWJHBlSXc3zwhGeTx4onL5z"
    "B1xTRCJiOitwNHDziYO+rlEmlsZ9f0mTJspyL73Y3PJ+zLa9/1mFu0y6XOV+5tTI4cGXJo"
    "zR3tDWw5U+E7R0LY/gI+0qAGDWxM2J4RNCXERHPsoRl8tgfihLCSQlwRNQXuCAaaFjEP87"
    "tc61d/xM6321akCoFY2opTl2+C8HHS4lotVQGOJFVnXJVbDm/o3UvvXlvdvf5JJnPG7n8i"
    "FhUmS9EGlh1SuYc9BIMFWliMrl1dTkJm5a4RtSET1d+iEUFldVFKPbzuEllsVgK8bXqVAJ"
    "sbPvhTWROOiiEuDDGDWu/jcRS9DQvDYeSS1UUM7IoXlfuih0VtOrOiAFzigUKzbBUZzpaB"
    "q8Td9lHhxZgLTx4BOKNranyucvjcAtHVNOgLKHUmTVE1lt3ANBRl65YVmYCNknMNdPY0VS"
    "fwYZvOtk+t93X5nCJSmc29cJOFjZjaSD62zGQJH3337NfAmTyXNXBG+b1RA2e+g4CgBs58"
    "h3IWEJj1P+wCci1v5eVdpoSUbo4ZKoUR0b03d3e/oeBRo9iDDDGEk7SmFtjy9qnhaduCp6"
    "30/zUWsyytXslUXsk0ELH8O9vP0IfirXPCuMaHhDu1Vx7+SA3r1wmBJP209aIg5RNCd41V"
    "CybmuwVmVPnOHw5X2dO25qY/OK5bUqOypkazjjFV9Uu61jFmCwVMYq97s5r1abI9xjsGYK"
    "anEsyE5QXB1nCRgBdTWF7RQZhAevSPw1foHzK2jK2aLUu2jX+MCko1zJBNU6lsEDLQg4Ig"
    "f2gQ0riK1m6swe0XQdwhq6OChDvIUe5mSfqAy5K3dOEwl6P4sRWIbxGwrppVsFlRqKzu9B"
    "7m8KCjo6Mj5NGZLWrnxQ+uRHsA2H0+U+Z7o+YiKCBV+ANYN8q4BaavFzApvYh2QKnsgIpb"
    "umTQQlX9smIi3SirfqMsk3ri/c2RS7DX0MLLk3bOytuIJz0o59s8fzBHtyGNdf/cQ1neYo"
    "cKTNU67E2Tag7nOKybyrTKTh1sKWd1t4ItOruoy1JXPLvogrjUmPcKomrhmX5VIA3HY3Tk"
    "bL827vLIWelGXq7yl+/kSrmU1g3pnNbpYw6jKuqk53qZi4+qAYfD4R3k7ka8RGFTyCbBsg"
    "TJ9gNlu3EAtRbe2ulm9vX/AZPh0/Q="
)
