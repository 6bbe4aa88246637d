"""AWS pieces of a serverless worker: IAM documents and the Lambda worker component.

The policy builders in `policies` need nothing but the standard library; the
component in `lambda_worker` loads `pulumi_aws` when it is imported.
"""
