"""The services botocore reaches with no region: where each goes, and whether a region moves it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from credlint.data import load_data


@dataclass(frozen=True)
class GlobalService:
    """A service botocore can reach with no region: where it goes, and whether a region moves it."""

    name: str
    region_name: str  # what the client's region becomes with no region anywhere
    endpoint: str
    signing_region: Optional[str]  # None: not SigV4-signed (bearer token)
    regionalized: bool  # a region found at runtime moves the client to a regional endpoint


# ref. aws-chain-reference.md section 2 table; data/global_services.json was made by creating each
# client of botocore (its version is in the file) with no region and no profile, sending nothing.
GLOBAL_SERVICES: dict[str, GlobalService] = {
    service["name"]: GlobalService(**service) for service in load_data("global_services")["global_services"]
}
