"""A worker that hands its keys around and so hides the task role (CL201, CL203, CL204)."""

import os
import subprocess

from dotenv import load_dotenv

load_dotenv()


def export_invoices(bucket: str, key_id: str, secret: str) -> None:
    os.environ["AWS_ACCESS_KEY_ID"] = key_id
    os.environ["AWS_SECRET_ACCESS_KEY"] = secret
    child = dict(os.environ, AWS_SESSION_TOKEN=os.environ["EXPORT_TOKEN"])
    subprocess.run(["aws", "s3", "cp", "invoices/", f"s3://{bucket}/", "--recursive"], env=child, check=True)
