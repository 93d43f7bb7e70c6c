public enum S3Module {}
