public enum SkylarkModule {}
