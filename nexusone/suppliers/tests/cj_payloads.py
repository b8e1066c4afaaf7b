"""CJ payloads shaped exactly as CJ_API.md documents them (values made up)."""

from __future__ import annotations

import json
from typing import Any

BASE = "https://cj.example.test/api2.0/v1"
PID = "2A6E0C4B-91F3-4D7A-8B25-6C1E9F0D3A47"
VID = "C3F19A70-4E2B-4D88-9A1C-5B7E2F60D914"
NUMERIC_VID = "1424608189734850560"
ORDER_ID = "261001093012000457"
OPEN_ID = 284517903


def ok(data: Any) -> dict[str, Any]:
    return {
        "code": 200,
        "result": True,
        "message": "Success",
        "data": data,
        "requestId": "5f0c2d1e-8a4b-4c7e-9d61-0b3a7e2f4c19",
    }


def fail(code: int, message: str) -> dict[str, Any]:
    return {"code": code, "result": False, "message": message, "data": None, "requestId": "b1e2-failure"}


TOKEN = {
    "openId": OPEN_ID,
    "accessToken": "9c41e7a0d2f84b6c8e1f3a5b7d9c0e21",
    "accessTokenExpiryDate": "2099-10-16T10:05:12+08:00",
    "refreshToken": "4d8e2b6f1a3c5e7d9b0f2a4c6e8d1b3f",
    "refreshTokenExpiryDate": "2099-03-30T10:05:12+08:00",
    "createDate": "2026-10-01T10:05:12+08:00",
}
REFRESHED = {
    "accessToken": "refreshed0access0token00000000001",
    "accessTokenExpiryDate": "2099-11-16T10:05:12+08:00",
    "refreshToken": "refreshed0refresh0token0000000001",
    "refreshTokenExpiryDate": "2099-05-30T10:05:12+08:00",
    "createDate": "2026-11-01T10:05:12+08:00",
}

LIST_V2 = {
    "pageSize": 2,
    "pageNumber": 1,
    "totalRecords": 137,
    "totalPages": 69,
    "content": [
        {
            "keyWord": "storage box",
            "keyWordOld": "storage box",
            "relatedCategoryList": [],
            "productList": [
                {
                    "id": PID,
                    "nameEn": "Foldable Storage Box",
                    "sku": "CJJJ2048331",
                    "spu": "CJJJ2048331",
                    "bigImage": "https://cf.cjdropshipping.com/a1.jpg",
                    "sellPrice": "3.10 -- 4.25",
                    "nowPrice": "3.10 -- 4.25",
                    "listedNum": 1834,
                    "categoryId": "5E1B7F2C-0A9D-4C63-B8E4-71F2A6D09C35",
                    "warehouseInventoryNum": 5120,
                    "verifiedWarehouse": 1,
                    "saleStatus": "3",
                    "createAt": 1751328000000,
                    "currency": "USD",
                },
                {
                    "id": "1424608189734850561",
                    "nameEn": "Dog Chew Rope",
                    "sku": "CJDG1",
                    "bigImage": "x.jpg",
                    "sellPrice": "2.00",
                    "categoryId": "C2",
                    "warehouseInventoryNum": 0,
                },
            ],
        }
    ],
}

PRODUCT = {
    "pid": PID,
    "productNameEn": "Foldable Storage Box",
    "productSku": "CJJJ2048331",
    "productWeight": 320,
    "productImage": '["https://cf.cjdropshipping.com/a1.jpg","https://cf.cjdropshipping.com/a2.jpg"]',
    "categoryId": "5E1B7F2C-0A9D-4C63-B8E4-71F2A6D09C35",
    "categoryName": "Kitchen Storage",
    "productKeyEn": "Color-Size",
    "sellPrice": "3.10 -- 4.25",
    "status": "3",
    "description": "<p>Folds flat.</p>",
    "variants": [
        {
            "vid": VID,
            "pid": PID,
            "variantSku": "CJJJ2048331-Grey-L",
            "variantKey": "Grey-L",
            "variantNameEn": "Foldable Storage Box Grey L",
            "variantSellPrice": 4.25,
            "variantSugSellPrice": 10.6,
            "variantWeight": 340,
            "variantLength": 300,
            "variantWidth": 200,
            "variantHeight": 40,
            "inventories": [
                {
                    "countryCode": "CN",
                    "totalInventory": 812,
                    "cjInventory": 512,
                    "factoryInventory": 300,
                    "verifiedWarehouse": 1,
                    "stock": [],
                }
            ],
        },
        {
            "vid": NUMERIC_VID,
            "pid": PID,
            "variantSku": "CJJJ2048331-Rose-Red-M",
            "variantKey": "Rose-Red-M",
            "variantNameEn": "Foldable Storage Box Rose-Red M",
            "variantSellPrice": "3.10",
            "variantWeight": 330,
        },
    ],
}

INVENTORY_BY_PID = {
    "inventories": [
        {
            "areaEn": "China Warehouse",
            "areaId": 1,
            "countryCode": "CN",
            "countryNameEn": "China",
            "totalInventoryNum": 852,
            "cjInventoryNum": 552,
            "factoryInventoryNum": 300,
        }
    ],
    "variantInventories": [
        # 2026 pages: no `Num` suffix
        {
            "vid": VID,
            "inventory": [
                {
                    "countryCode": "CN",
                    "totalInventory": 812,
                    "cjInventory": 512,
                    "factoryInventory": 300,
                    "verifiedWarehouse": 1,
                    "stock": [],
                },
                {
                    "countryCode": "US",
                    "totalInventory": 40,
                    "cjInventory": 40,
                    "factoryInventory": 0,
                    "verifiedWarehouse": 1,
                    "stock": [],
                },
            ],
        },
        # an older copy of the page: `...Num`
        {
            "vid": NUMERIC_VID,
            "inventory": [
                {"countryCode": "CN", "totalInventoryNum": 40, "cjInventoryNum": 40, "factoryInventoryNum": 0}
            ],
        },
    ],
}

STOCK_BY_VID = [
    {
        "vid": VID,
        "areaId": 1,
        "areaEn": "China Warehouse",
        "countryCode": "CN",
        "totalInventoryNum": 812,
        "cjInventoryNum": 512,
        "factoryInventoryNum": 300,
        "stock": [{"stockId": "9f1e0c3b7a2d4e58b6c1d0a9e8f7b2c4", "inventory": 512, "factoryInventory": 300}],
    },
    {
        "vid": VID,
        "areaId": 2,
        "areaEn": "US Warehouse",
        "countryCode": "US",
        "totalInventoryNum": 40,
        "cjInventoryNum": 40,
        "factoryInventoryNum": 0,
        "stock": [],
    },
]

FREIGHT = [
    {
        "logisticName": "USPS+",
        "logisticAging": "4-8",
        "logisticPrice": 8.94,
        "logisticPriceCn": 63.47,
        "taxesFee": 0,
        "clearanceOperationFee": 0,
        "totalPostageFee": 8.94,
    },
    {
        "logisticName": "CJPacket Ordinary",
        "logisticAging": "7-15",
        "logisticPrice": "5.82",
        "logisticPriceCn": 41.32,
        "taxesFee": 0,
        "clearanceOperationFee": 0,
        "totalPostageFee": 5.82,
    },
]

CREATED_ORDER = {
    "orderId": ORDER_ID,
    "orderNumber": "NX-2026-000123",
    "shipmentOrderId": None,
    "orderStatus": "CREATED",
    "productAmount": 8.50,
    "postageAmount": 5.82,
    "orderAmount": None,
    "actualPayment": None,
    "cjPayUrl": None,
    "logisticsMiss": False,
    "interceptOrderReasons": [],
    "productInfoList": [
        {
            "storeLineItemId": "line-1",
            "lineItemId": "2610010930120004570001",
            "variantId": VID,
            "quantity": 2,
            "isGroup": False,
            "subOrderProducts": [],
        }
    ],
}

ORDER_DETAIL = {
    "orderId": ORDER_ID,
    "orderNum": "NX-2026-000123",
    "cjOrderId": ORDER_ID,
    "cjOrderCode": "SD2610010930",
    "orderStatus": "SHIPPED",
    "subStatus": None,
    "logisticName": "USPS+",
    "trackNumber": "CJPKL7160102171YQ",
    "trackingUrl": "https://www.17track.net/en/track?nums=CJPKL7160102171YQ",
    "orderAmount": 14.32,
    "productAmount": 8.50,
    "postageAmount": 5.82,
    "createDate": "2026-10-01 01:30:12",
    "paymentDate": "2026-10-01 01:35:40",
    "outWarehouseTime": "2026-10-03 08:02:11",
    "isComplete": 0,
    "productList": [
        {
            "vid": VID,
            "quantity": 2,
            "sellPrice": 4.25,
            "storeLineItemId": "line-1",
            "lineItemId": "2610010930120004570001",
        }
    ],
}

TRACK_INFO = [
    {
        "trackingNumber": "CJPKL7160102171YQ",
        "logisticName": "USPS+",
        "trackingFrom": "CN",
        "trackingTo": "US",
        "deliveryDay": "",
        "deliveryTime": "",
        "trackingStatus": "In transit",
        "lastMileCarrier": "USPS",
        "lastTrackNumber": "9400111899223344556677",
    },
]

LOGISTIC_WEBHOOK = {
    "messageId": "5d2c0000",
    "type": "LOGISTIC",
    "messageType": "UPDATE",
    "openId": OPEN_ID,
    "params": {
        "orderId": ORDER_ID,
        "storeOrderNumbers": ["NX-2026-000123"],
        "logisticName": "USPS+",
        "trackingNumber": "CJPKL7160102171YQ",
        "trackingProvider": "USPS",
        "trackingUrl": None,
        "trackingStatus": 6,
        "logisticsTrackEvents": json.dumps(
            [
                {
                    "status": 6,
                    "statusDesc": "Arrived in destination country",
                    "activity": "Arrived at LAX hub",
                    "location": "Los Angeles, US",
                    "eventTime": "2026-10-07 14:20:00",
                },
                {
                    "status": 1,
                    "statusDesc": "Left CJ warehouse",
                    "activity": "Left the warehouse",
                    "location": "Yiwu, CN",
                    "eventTime": "2026-10-03 08:02:11",
                },
            ]
        ),
    },
}
STOCK_WEBHOOK = {
    "messageId": "e4b80000",
    "type": "STOCK",
    "messageType": "UPDATE",
    "params": {
        VID: [
            {"vid": VID, "areaId": 1, "areaEn": "China Warehouse", "countryCode": "CN", "storageNum": 806},
            {"vid": VID, "areaId": 2, "areaEn": "US Warehouse", "countryCode": "US", "storageNum": 12},
        ]
    },
}
ORDER_WEBHOOK = {
    "messageId": "0a9f0000",
    "type": "ORDER",
    "messageType": "UPDATE",
    "params": {
        "cjOrderId": ORDER_ID,
        "orderNumber": "NX-2026-000123",
        "orderNum": "NX-2026-000123",
        "orderStatus": "SHIPPED",
        "logisticName": "USPS+",
        "trackNumber": "CJPKL7160102171YQ",
        "updateDate": "2026-10-03 08:05:00",
        "orderItems": [
            {
                "vid": VID,
                "quantity": 2,
                "sellPrice": 4.25,
                "lineItemId": "2610010930120004570001",
                "storeLineItemId": "line-1",
            }
        ],
    },
}
PRODUCT_WEBHOOK = {
    "messageId": "7c1d0e9a4b2f4f1e8a6d3c5b9e0f2a17",
    "type": "PRODUCT",
    "messageType": "UPDATE",
    "openId": OPEN_ID,
    "params": {
        "pid": PID,
        "productSellPrice": 3.40,
        "productStatus": 3,
        "productNameEn": None,
        "productDescription": None,
        "fields": ["productSellPrice"],
    },
}

# product/getCategory: three levels, the leaves carrying the ids listV2's `categoryId` takes.
CATEGORY_TREE = [
    {
        "categoryFirstId": "2C7D4A0B-1AB2-41EC-8F9E-13DC31B1C902",
        "categoryFirstName": "Home & Garden",
        "categoryFirstList": [
            {
                "categorySecondId": "87CF251F-8D11-4DE0-A154-9694D9858EB3",
                "categorySecondName": "Home Storage",
                "categorySecondList": [
                    {"categoryId": "5E1B7F2C-0A9D-4C63-B8E4-71F2A6D09C35", "categoryName": "Kitchen Storage"},
                    {"categoryId": "C1E2F3A4-B5C6-47D8-9E0F-1A2B3C4D5E6F", "categoryName": "Closet Organizers"},
                ],
            },
            {"categorySecondId": "D0C3B2A1-0000-4000-8000-000000000001", "categorySecondName": "Empty group"},
        ],
    },
    {
        "categoryFirstId": "F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9",
        "categoryFirstName": "Pet Supplies",
        "categoryFirstList": [
            {
                "categorySecondId": "0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9",
                "categorySecondName": "Dogs",
                "categorySecondList": [{"categoryId": "1424608189734850599", "categoryName": "Dog Toys"}],
            }
        ],
    },
]
