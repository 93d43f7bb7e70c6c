#!/usr/bin/env python3
"""The "Video Upload via S3" guide's advanced workflow, written the way a user would copy it:
requests + boto3, one asset after another. The pipeline benchmark's baseline.

Reads the same manifest as skylark-ingest (YAML, the subset the benchmark generates) and the same
environment variables (SKYLARK_*, AWS_*). Logs in with Cognito SRP (pycognito's AWSSRP, pointed at
SKYLARK_COGNITO_ENDPOINT), then for each asset: create the asset, then for each subtitle a text
track, a "Text track" document and the file upload, then the video upload with the `asset` metadata.
"""
import json
import os
import sys

import boto3
import requests
import yaml
from pycognito.aws_srp import AWSSRP

API = os.environ["SKYLARK_API_URL"]
BUCKET = os.environ["SKYLARK_WATCHFOLDER_BUCKET"]


def login():
    cognito = boto3.client(
        "cognito-idp",
        region_name=os.environ.get("SKYLARK_COGNITO_REGION", "eu-west-1"),
        endpoint_url=os.environ.get("SKYLARK_COGNITO_ENDPOINT"),
    )
    srp = AWSSRP(
        username=os.environ["SKYLARK_USERNAME"],
        password=os.environ["SKYLARK_PASSWORD"],
        pool_id=os.environ["SKYLARK_COGNITO_USER_POOL_ID"],
        client_id=os.environ["SKYLARK_COGNITO_CLIENT_ID"],
        client=cognito,
    )
    tokens = srp.authenticate_user()
    return tokens["AuthenticationResult"]["IdToken"]


def main(manifest_path):
    with open(manifest_path) as f:
        manifest = yaml.safe_load(f)
    base = os.path.dirname(os.path.abspath(manifest_path))
    headers = {"Authorization": f"Bearer {login()}"}
    session = requests.Session()
    s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3"))
    asset_type = manifest.get("defaults", {}).get("asset_type", "episode")

    r = session.get(API + "asset-types/", params={"name": asset_type}, headers=headers)
    r.raise_for_status()
    asset_type_url = r.json()["objects"][0]["self"]
    r = session.get(API + "document-types/", params={"name": "Text track"}, headers=headers)
    r.raise_for_status()
    document_type_url = r.json()["objects"][0]["self"]

    for item in manifest["assets"]:
        r = session.post(API + "assets/", headers=headers,
                         json={"title": item["title"], "slug": item.get("slug"), "asset_type_url": asset_type_url})
        r.raise_for_status()
        asset = r.json()
        for sub in item.get("subtitles", []):
            r = session.post(API + "text-tracks/", headers=headers,
                             json={"language_code": sub["language"], "asset_urls": [asset["self"]]})
            r.raise_for_status()
            track = r.json()
            path = os.path.join(base, sub["file"])
            r = session.post(API + "documents/", headers=headers, json={
                "document_type_url": document_type_url, "content_url": track["self"],
                "file_name": os.path.basename(path), "language": sub["language"], "title": sub.get("title", sub["language"])})
            r.raise_for_status()
            document = r.json()
            with open(path, "rb") as f:
                r = session.post(document["upload_document_url"], headers=headers,
                                 files={"file": (os.path.basename(path), f)})
            r.raise_for_status()
        video = os.path.join(base, item["video"])
        key = item.get("key") or os.path.basename(video)
        s3.upload_file(video, BUCKET, key, ExtraArgs={"Metadata": {"asset": json.dumps({"uid": asset["uid"]})}})
    print(f"ingested {len(manifest['assets'])} assets")


if __name__ == "__main__":
    main(sys.argv[1])
