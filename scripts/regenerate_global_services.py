"""Regenerate credlint/data/global_services.json from the installed botocore.

A global service is one whose client botocore creates with no region anywhere (no argument, no
AWS_DEFAULT_REGION, no profile) instead of raising NoRegionError. For each, the script records
the region the client gets, its endpoint, the region requests are signed for (none when they are
not SigV4-signed), and whether a region moves it to a regional endpoint (a client created with
region_name='eu-west-1' gets another host). No request is sent.

    python scripts/regenerate_global_services.py          # rewrite the data file
    python scripts/regenerate_global_services.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from data_file import regenerate  # scripts/ is on sys.path when a script runs

PROBE_REGION = "eu-west-1"
# botocore pins S3's region to us-east-1 when none is found, rather than using a partition endpoint.
FORCED_REGIONS = {"s3": "us-east-1 (forced)"}


def _isolated_environment() -> None:
    """No region or profile may leak in from this machine: an empty config file and no AWS_ variables."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    empty = Path(tempfile.mkdtemp()) / "empty"
    empty.write_text("")
    os.environ["AWS_CONFIG_FILE"] = str(empty)
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(empty)


def _describe(session: Any, service: str) -> Optional[dict[str, Any]]:
    from botocore.exceptions import NoRegionError

    try:
        client = session.create_client(service)
    except NoRegionError:
        return None
    signer = client._request_signer
    signed = signer.signature_version not in ("bearer", None)
    regional = session.create_client(service, region_name=PROBE_REGION)
    host = urlsplit(client.meta.endpoint_url).netloc
    return {
        "name": service,
        "region_name": FORCED_REGIONS.get(service, client.meta.region_name),
        "endpoint": host,
        "signing_region": signer.region_name if signed else None,
        "regionalized": urlsplit(regional.meta.endpoint_url).netloc != host,
    }


def generate() -> dict[str, Any]:
    import botocore
    import botocore.session

    _isolated_environment()
    session = botocore.session.get_session()
    session.set_credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    services = [_describe(session, name) for name in session.get_available_services()]
    return {
        "botocore_version": botocore.__version__,
        "generated_by": "scripts/regenerate_global_services.py",
        "tables": {"global_services": [service for service in services if service is not None]},
    }


if __name__ == "__main__":
    sys.exit(regenerate("global_services", generate, __doc__.splitlines()[0]))
