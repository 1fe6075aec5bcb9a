#!/usr/bin/env bash
# Set up what the pipeline needs on a fresh Debian machine: the Debian packages
# (Tesseract with Korean and its headers, a Korean font), a virtual environment in .venv and the
# project installed into it. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi

missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/kor.traineddata ] || [ -e /usr/share/tesseract-ocr/4.00/tessdata/kor.traineddata ] || missing+=(tesseract-ocr-kor)
[ -e /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing+=(fonts-nanum)
# tesserocr is built against Debian's libtesseract, so that OCR in process reads as the tesseract command does
[ -e /usr/include/tesseract/capi.h ] || missing+=(libtesseract-dev)
[ -e /usr/include/leptonica/allheaders.h ] || missing+=(libleptonica-dev)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || echo "setup: WARNING: could not install ${missing[*]}; OCR or Korean PDF rendering will not work." >&2
  else
    echo "setup: WARNING: missing Debian packages: ${missing[*]}." >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -e "$stamp" ]; then
  echo "setup: installing the project into .venv (first run takes a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  # tesserocr from source, against the system's Tesseract (5.3 on Debian 12): its wheel bundles Tesseract 5.5,
  # which reads this pipeline's scans differently (README "Scans and photos"); the wheel is the fallback
  if ! PIP_NO_BINARY=tesserocr .venv/bin/python -m pip install -q -e ".[test,dask]"; then  # dask: the scale-out test
    echo "setup: WARNING: tesserocr could not be built against the system's Tesseract; using its wheel." >&2
    .venv/bin/python -m pip install -q -e ".[test,dask]"
  fi
  rm -f .venv/.installed-* && touch "$stamp"
fi
