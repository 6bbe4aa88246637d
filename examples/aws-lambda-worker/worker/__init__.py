"""Worker code that runs inside the Lambda function."""
