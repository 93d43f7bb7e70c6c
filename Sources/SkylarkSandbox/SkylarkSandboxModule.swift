public enum SkylarkSandboxModule {}
