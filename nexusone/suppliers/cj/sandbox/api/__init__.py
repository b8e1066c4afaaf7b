"""The sandbox's CJ API: `api2.0/v1/<path>`, answering with CJ's envelope, field names and error codes.

dispatch.py   the one entry (`cj_api`): routes, token check, QPS, injected faults, points, body
envelope.py   CJ's envelope and failures, reading parameters
account.py    authentication/*, setting/get, shop/getShops
products.py   product/listV2, list, getCategory, query, variant/*
stock.py      product/stock/*, product/globalWarehouseList
logistics.py  logistic/freightCalculate, logistic/trackInfo
orders.py     shopping/order/*, shopping/pay/*, shopping/sandbox/* (CJ's sandbox-order drivers)
webhooks.py   webhook/set, webhook/product/subscribe|unsubscribe
"""

from .dispatch import KNOWN_PATHS, ROUTES, Handler, cj_api
from .envelope import CJFailure, envelope, failure

__all__ = ["KNOWN_PATHS", "ROUTES", "CJFailure", "Handler", "cj_api", "envelope", "failure"]
