"""Hubei's 17 prefecture-level divisions, with GB/T 2260 codes and map coordinates.

12 prefecture-level cities, the Enshi autonomous prefecture and four county-level units under
direct provincial administration. Coordinates (WGS-84, city seat, 3 decimals) are enough to
place a marker on a provincial map; they are not survey data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """One prefecture-level division."""

    code: str
    name_zh: str
    name_en: str
    longitude: float
    latitude: float


HUBEI_PROVINCE_CODE = "420000"

HUBEI_CITIES: tuple[City, ...] = (
    City("420100", "武汉市", "Wuhan", 114.305, 30.593),
    City("420200", "黄石市", "Huangshi", 115.038, 30.200),
    City("420300", "十堰市", "Shiyan", 110.798, 32.629),
    City("420500", "宜昌市", "Yichang", 111.286, 30.692),
    City("420600", "襄阳市", "Xiangyang", 112.122, 32.009),
    City("420700", "鄂州市", "Ezhou", 114.895, 30.391),
    City("420800", "荆门市", "Jingmen", 112.199, 31.035),
    City("420900", "孝感市", "Xiaogan", 113.917, 30.925),
    City("421000", "荆州市", "Jingzhou", 112.239, 30.335),
    City("421100", "黄冈市", "Huanggang", 114.872, 30.453),
    City("421200", "咸宁市", "Xianning", 114.322, 29.841),
    City("421300", "随州市", "Suizhou", 113.383, 31.690),
    City("422800", "恩施土家族苗族自治州", "Enshi", 109.488, 30.272),
    City("429004", "仙桃市", "Xiantao", 113.454, 30.365),
    City("429005", "潜江市", "Qianjiang", 112.900, 30.402),
    City("429006", "天门市", "Tianmen", 113.166, 30.663),
    City("429021", "神农架林区", "Shennongjia", 110.676, 31.745),
)

CITIES_BY_CODE: dict[str, City] = {city.code: city for city in HUBEI_CITIES}
