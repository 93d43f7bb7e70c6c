public enum HTTPEngineModule {}
