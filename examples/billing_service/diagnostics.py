"""Startup diagnostics that write the resolved credentials' secret key to the log (CL508)."""

import logging

import boto3

logger = logging.getLogger(__name__)


def log_identity(session: boto3.Session) -> None:
    credentials = session.get_credentials()
    if credentials is None:
        logger.warning("No AWS credentials found")
        return
    logger.info("Using %s credentials, key %s...", credentials.method, credentials.access_key[:4])
    logger.debug("Signing with secret key %s", credentials.secret_key)
