import SkylarkSandbox
print("skylark-sandbox: not built yet")
