"""Published examples of GS1's reference EPCIS event hash generator, with their hashes.

Events and expected hashes (CBV 2.0) from RalphTro/epcis-event-hash-generator,
``tests/examples/documents/`` and ``tests/examples/expected/CBV2.0/``, rewritten here
as Python values (the repeated extension blocks are built once). That project is
Copyright 2019-2023 Ralph Troeger, Sebastian Schmittner, under the MIT licence:
permission is granted to use, copy, modify and distribute it provided this notice
is kept; it is provided "as is", without warranty of any kind.
"""

from __future__ import annotations

from typing import Any

EXT_CONTEXT: list[Any] = [
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    {"ext3": "http://example.com/ext3/"},
    {"ext2": "http://example.com/ext2/"},
    {"ext1": "http://example.com/ext1/"},
]


def _ext_block() -> dict[str, Any]:
    nested = {
        "ext2:array": ["11", "21", "stringInArrayInObject"],
        "ext2:object": {"ext2:object": {"ext3:string": "stringInObjectInObject"}},
        "ext2:string": "stringInObject",
    }
    in_array = {
        "ext1:object": {
            "ext1:object": {
                "ext2:array": ["14", "23.0", "stringInArrayInObjectInArray"],
                "ext2:object": {"ext2:object": {"ext3:string": "stringInObjectInObjectInArray"}},
                "ext2:int": "13",
                "ext2:string": "stringInObjectInArray",
            }
        }
    }
    return {
        "ext1:float": "20",
        "ext1:time": "2013-06-08T14:58:56.591Z",
        "ext1:array": ["12", "22", "2013-06-08T14:58:56.591Z", "true", "stringInArray", in_array],
        "ext1:boolean": "true",
        "ext1:object": nested,
        "ext1:default": "stringAsDefaultValue",
        "ext1:int": "10",
        "ext1:string": "string",
    }


def _ilmd() -> dict[str, Any]:
    return {
        **_ext_block(),
        "cbvmda:countryOfExport": "KR",
        "cbvmda:grossWeight": "3.5",
        "cbvmda:netWeight": "3.5",
        "cbvmda:countryOfOrigin": "GB",
        "cbvmda:drainedWeight": "3.5",
        "cbvmda:lotNumber": "ABC123",
    }


def _sensor_elements() -> list[dict[str, Any]]:
    return [
        {
            "sensorMetadata": {
                "time": "2019-04-02T13:05:00.000Z",
                "deviceID": "urn:epc:id:giai:4000001.111",
                "deviceMetadata": "https://id.gs1.org/8004/4000001111",
                "rawData": "https://example.org/8004/401234599999",
                "startTime": "2019-04-02T12:55:01.000Z",
                "endTime": "2019-04-02T13:55:00.000Z",
                "dataProcessingMethod": "https://example.com/253/4012345000054987",
                "bizRules": "https://example.com/253/4012345000054987",
                "ext1:someFurtherMetadata": "someText",
            },
            "sensorReport": [
                {
                    "type": "Temperature",
                    "deviceID": "urn:epc:id:giai:4000001.111",
                    "rawData": "https://example.org/8004/401234599999",
                    "dataProcessingMethod": "https://example.com/253/4012345000054987",
                    "time": "2019-07-19T13:00:00.000Z",
                    "microorganism": "https://www.ncbi.nlm.nih.gov/taxonomy/1126011",
                    "chemicalSubstance": (
                        "https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N"
                    ),
                    "value": 26,
                    "component": "example:x",
                    "stringValue": "SomeString",
                    "booleanValue": True,
                    "hexBinaryValue": "f0f0f0",
                    "uriValue": "https://id.gs1.org/8004/4000001111",
                    "minValue": 26,
                    "maxValue": 26.2,
                    "meanValue": 13.2,
                    "percRank": 50,
                    "percValue": 12.7,
                    "uom": "CEL",
                    "sDev": 0.1,
                    "ext1:someFurtherReportData": "someText",
                    "deviceMetadata": "https://id.gs1.org/8004/4000001111",
                }
            ],
            **_ext_block(),
        }
    ]


_ERROR = {
    "declarationTime": "2013-11-07T14:00:00.000+01:00",
    "reason": "incorrect_data",
    "correctiveEventIDs": [
        "ni:///sha-256;fec9667280c4710a3fa9558b7bc8ddc2ced0dc442d87f82becae24bb6ca6a46f?ver=CBV2.0"
    ],
}
_TRANSACTIONS = [
    {"type": "po", "bizTransaction": "urn:epc:id:gdti:0614141.00001.1618034"},
    {"type": "pedigree", "bizTransaction": "urn:epc:id:gsrn:0614141.0000010253"},
]
_SOURCES = [
    {"type": "location", "source": "urn:epc:id:sgln:4012345.00225.0"},
    {"type": "possessing_party", "source": "urn:epc:id:pgln:4012345.00225"},
    {"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00225"},
]
_DESTINATIONS = [
    {"type": "location", "destination": "urn:epc:id:sgln:0614141.00777.0"},
    {"type": "possessing_party", "destination": "urn:epc:id:pgln:0614141.00777"},
    {"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00777"},
]
_CERTIFICATE = "https://accreditation-council.example.org/certificate/ABC12345"
_PERSISTENT = {"unset": ["completeness_inferred"], "set": ["completeness_verified"]}
_QUANTITIES = [
    {"epcClass": "urn:epc:class:lgtin:4012345.011111.4444", "quantity": 10, "uom": "KGM"},
    {"epcClass": "urn:epc:class:lgtin:0614141.077777.987", "quantity": 30},
    {"epcClass": "urn:epc:idpat:sgtin:4012345.066666.*", "quantity": 220},
]


def object_event_all_fields() -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventTime": "2005-04-05T02:33:31.116Z",
        "eventTimeZoneOffset": "-06:00",
        "eventID": "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
        "certificationInfo": _CERTIFICATE,
        "errorDeclaration": {**_ERROR, "declarationTime": "2006-11-07T14:00:00.000+01:00"},
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2018"],
        "action": "ADD",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "readPoint": {"id": "urn:epc:id:sgln:0012345.11111.400"},
        "bizLocation": {"id": "urn:epc:id:sgln:0012345.11111.0"},
        "bizTransactionList": _TRANSACTIONS,
        "quantityList": [
            {
                "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                "quantity": 200,
                "uom": "KGM",
            }
        ],
        "sourceList": _SOURCES,
        "destinationList": _DESTINATIONS,
        "sensorElementList": _sensor_elements(),
        "persistentDisposition": _PERSISTENT,
        "ilmd": _ilmd(),
        **_ext_block(),
    }


def aggregation_event_all_fields() -> dict[str, Any]:
    return {
        "type": "AggregationEvent",
        "eventTime": "2013-06-08T14:58:56.591Z",
        "eventTimeZoneOffset": "+02:00",
        "eventID": (
            "ni:///sha-256;cd834b5a08e76778617369c29c9ecc1007508a0ae5dcf063e48b6bf05eb10097"
            "?ver=CBV2.0"
        ),
        "certificationInfo": _CERTIFICATE,
        "errorDeclaration": _ERROR,
        "parentID": "urn:epc:id:sscc:0614141.1234567890",
        "childEPCs": [
            "urn:epc:id:sgtin:0614141.107346.2017",
            "urn:epc:id:sgtin:0614141.107346.2018",
        ],
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "readPoint": {"id": "urn:epc:id:sgln:0037000.00729.8202"},
        "bizLocation": {"id": "urn:epc:id:sgln:0037000.00729.8202"},
        "bizTransactionList": _TRANSACTIONS,
        "childQuantityList": [
            {"epcClass": "urn:epc:idpat:sgtin:4012345.098765.*", "quantity": 10},
            {
                "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                "quantity": 200.5,
                "uom": "KGM",
            },
        ],
        "sourceList": _SOURCES,
        "destinationList": _DESTINATIONS,
        "sensorElementList": _sensor_elements(),
        **_ext_block(),
    }


def transformation_event_all_fields() -> dict[str, Any]:
    return {
        "type": "TransformationEvent",
        "eventTime": "2013-10-31T14:58:56.591Z",
        "eventTimeZoneOffset": "+02:00",
        "eventID": (
            "ni:///sha-256;0bf4271d60ed65fb687e95f7216c4c0a4c1181c070f657d41385b6fbd93e97ef"
            "?ver=CBV2.0"
        ),
        "certificationInfo": _CERTIFICATE,
        "errorDeclaration": _ERROR,
        "inputEPCList": [
            "urn:epc:id:sgtin:4012345.011122.25",
            "urn:epc:id:sgtin:4000001.065432.99886655",
        ],
        "inputQuantityList": _QUANTITIES,
        "outputEPCList": [f"urn:epc:id:sgtin:4012345.077889.{n}" for n in (25, 26, 27, 28)],
        "outputQuantityList": _QUANTITIES,
        "transformationID": "urn:epc:id:gdti:0614141.12345.400",
        "bizStep": "commissioning",
        "disposition": "in_progress",
        "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"},
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00888.0"},
        "bizTransactionList": _TRANSACTIONS,
        "sourceList": _SOURCES,
        "destinationList": _DESTINATIONS,
        "ilmd": _ilmd(),
        "sensorElementList": _sensor_elements(),
        "persistentDisposition": _PERSISTENT,
        **_ext_block(),
    }


def transformation_with_user_extensions() -> dict[str, Any]:
    return {
        "type": "TransformationEvent",
        "eventTime": "2020-09-29T14:00:00+02:00",
        "eventTimeZoneOffset": "+02:00",
        "errorDeclaration": {
            "declarationTime": "2020-09-29T15:00:00+02:00",
            "example:issuer": "Employee 123",
            "example3:errorCodes": {"example3:value1": "34", "example3:value44": "66"},
            "example:field": {"example:furtherData": "abcd1234"},
        },
        "inputQuantityList": [
            {
                "epcClass": "urn:epc:class:lgtin:4023333.055555.ABC123",
                "quantity": 25.0,
                "uom": "KGM",
            }
        ],
        "outputEPCList": [
            "urn:epc:id:sgtin:4012345.012345.987",
            "urn:epc:id:sgtin:4012345.012345.988",
        ],
        "bizStep": "commissioning",
        "readPoint": {
            "id": "urn:epc:id:sgln:4023333.00000.0",
            "example:gs1ES": "(414)4023333000000",
        },
        "bizLocation": {
            "id": "urn:epc:id:sgln:4023333.00001.12",
            "example:gs1ES": "(414)4023333000017 (254)12",
        },
        "ilmd": {
            "cbvmda:lotNumber": "LOTABC",
            "example:grading": "A",
            "example2:userMasterData": {"example2:sizeCode": "B-2"},
        },
        "sensorElementList": [
            {
                "sensorMetadata": {
                    "startTime": "2019-04-01T15:00:00+01:00",
                    "endTime": "2019-04-02T14:59:59.999+01:00",
                    "example:someFurtherMetaData": "someText",
                },
                "sensorReport": [
                    {
                        "type": "Temperature",
                        "minValue": 12.4,
                        "maxValue": 13.8,
                        "meanValue": 13.2,
                        "percRank": 50.0,
                        "percValue": 12.7,
                        "uom": "CEL",
                        "sDev": 0.41,
                        "example:cv": "123",
                    },
                    {"type": "example:someSensorProperty", "stringValue": "someSensorOutput"},
                ],
                "example:furtherSensorData": {
                    "example:measure1": "123.5",
                    "example:measure2": "0.987",
                },
                "example:someUserField": "abc123",
            }
        ],
        "example:extension": {
            "moreExtensions": {"futureExtension": {"tag1": "1", "tag2": "2", "tag3": "3"}}
        },
        "example:internalData": {
            "example:machine": "urn:epc:id:giai:4012345.ABC",
            "example:procedure": "A-1",
        },
        "example2:furtherData": {"example2:assemblyLine": "2", "example2:workingShift": "1"},
        "example4:otherThings": "some text",
    }


def reference_event() -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventTime": "2020-03-04T11:00:30.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "recordTime": "2020-03-04T11:00:30.999+01:00",
        "epcList": [
            "urn:epc:id:sscc:4012345.0000000333",
            "urn:epc:id:sscc:4012345.0000000111",
            "urn:epc:id:sscc:4012345.0000000222",
        ],
        "action": "OBSERVE",
        "bizStep": "departing",
        "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
        "example:myField1": {"example:mySubField1": "2", "example:mySubField2": "5"},
        "example:myField2": "0",
        "example:myField3": {"example:mySubField3": ["3", "1"]},
    }


def time_stamp_round_off() -> list[dict[str, Any]]:
    return [
        {
            "type": "ObjectEvent",
            "eventTime": "2023-02-02T11:04:03.1415Z",
            "eventTimeZoneOffset": "+01:00",
            "epcList": ["https://id.gs1.de/00/040123451111111110"],
            "action": "OBSERVE",
            "bizStep": "shipping",
            "disposition": "in_transit",
            "readPoint": {"id": "https://id.gs1.de/414/4012345000115"},
        },
        {
            "type": "ObjectEvent",
            "eventTime": "2023-02-02T11:04:03.1414Z",
            "eventTimeZoneOffset": "+01:00",
            "epcList": ["https://id.gs1.de/00/040123451111111110"],
            "action": "OBSERVE",
            "bizStep": "transporting",
            "readPoint": {"id": "geo:50.947573340894124,6.922120147375441"},
        },
        {
            "type": "ObjectEvent",
            "eventTime": "2023-02-12T11:04:03.1415Z",
            "eventTimeZoneOffset": "+01:00",
            "certificationInfo": _CERTIFICATE,
            "epcList": ["https://id.gs1.de/01/04012345999990/21/XYZ-1234"],
            "action": "OBSERVE",
            "bizStep": "receiving",
            "disposition": "in_progress",
            "readPoint": {"id": "https://id.gs1.de/414/4012345000115"},
            "sensorElementList": [
                {
                    "sensorMetadata": {
                        "time": "2023-02-12T11:04:03.1007Z",
                        "bizRules": "https://id.example.com/253/4012345000054987",
                    },
                    "sensorReport": [
                        {
                            "type": "Dimensionless",
                            "exception": "ALARM_CONDITION",
                            "coordinateReferenceSystem": (
                                "http://www.opengis.net/def/crs/EPSG/0/27700"
                            ),
                        }
                    ],
                }
            ],
        },
    ]


_EXAMPLE_NS = [
    {"example": "http://ns.example.com/epcis/"},
    {"example2": "http://ns.example.com/epcis-2/"},
    {"example3": "http://ns.example.com/epcis-3/"},
    {"example4": "http://ns.example.com/epcis-4/"},
]

VECTORS: list[tuple[str, Any, dict[str, Any], str]] = [
    (
        "ReferenceEventHashAlgorithm",
        [{"example": "https://ns.example.com/epcis/"}],
        reference_event(),
        "6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7",
    ),
    (
        "ObjectEvent_all_possible_fields",
        EXT_CONTEXT,
        object_event_all_fields(),
        "9811bfb2672e9c3a0f6151be339d22b60db375c8b23d2740f6137cc6539f0639",
    ),
    (
        "AggregationEvent_all_possible_fields",
        EXT_CONTEXT,
        aggregation_event_all_fields(),
        "41cf5d2be6b6926acc531597e43932eb4b9b23926ccb6ce08c882bda7a74d1a8",
    ),
    (
        "TransformationEvent_all_possible_fields",
        [*EXT_CONTEXT, {"cbvmda": "http://example.com/cbvmda/"}],
        transformation_event_all_fields(),
        "529cc54b8cf9d8664208cc6c77473274d8c2dd473469920a7d09a814623f52cc",
    ),
    (
        "TransformationEventWithUserExtensions",
        _EXAMPLE_NS,
        transformation_with_user_extensions(),
        "dca180f4e6005d4b6a6408a8d143977ca2e4f3e72048d7aa03b4df4055d484f9",
    ),
    *(
        (f"TimeStampRoundOff[{i}]", [], event, digest)
        for i, (event, digest) in enumerate(
            zip(
                time_stamp_round_off(),
                (
                    "af7658e711574363633f20b3dadc7bc4c13c6f612cf96d95e03c421c0e58f3c6",
                    "0550df44527332c1fe417c5837fe61b9e71eaa93307b88519dac549bf2d4dcf9",
                    "bf052637920f56c28bd6bc4ce10bb296203fcddc543f1e293d5a77b07592dcec",
                ),
                strict=True,
            )
        )
    ),
]
"""(name, the document's @context, event, expected SHA-256 hex of its pre-hash string)."""
