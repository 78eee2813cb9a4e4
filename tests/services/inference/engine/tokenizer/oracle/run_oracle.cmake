# Fixture set-up of engine_tokenizer_oracle_test: runs tests/tools/tokenizer_oracle.mjs
# on the corpus and on the multi-line strings for one tokenizer.
#   cmake -DNODE=... -DSCRIPT=... -DTOKENIZER_DIR=... -DNPM_DIR=... -DCORPUS=...
#         -DMULTILINE=... -DOUT_PREFIX=<dir>/<name> -P run_oracle.cmake
# writes <OUT_PREFIX>.corpus.jsonl and <OUT_PREFIX>.multiline.jsonl.
if(NOT NODE)
  message(FATAL_ERROR "node was not found when CMake configured this build; "
    "run tools/setup/install-deps.sh, then tools/setup/fetch-test-data.sh, then re-run cmake")
endif()
foreach(_f tokenizer.json tokenizer_config.json)
  if(NOT EXISTS "${TOKENIZER_DIR}/${_f}")
    message(FATAL_ERROR "${TOKENIZER_DIR}/${_f} is missing: run tools/setup/fetch-test-data.sh "
      "(FLEET_TESTDATA_DIR must name the folder it fills)")
  endif()
endforeach()
if(NOT EXISTS "${NPM_DIR}/node_modules/@lenml/tokenizers")
  message(FATAL_ERROR "${NPM_DIR}/node_modules/@lenml/tokenizers is missing: "
    "run tools/setup/fetch-test-data.sh")
endif()
get_filename_component(_out_dir "${OUT_PREFIX}" DIRECTORY)
file(MAKE_DIRECTORY "${_out_dir}")
foreach(_kind corpus multiline)
  if(_kind STREQUAL "corpus")
    set(_args --corpus "${CORPUS}")
  else()
    set(_args --corpus "${MULTILINE}" --json-array)
  endif()
  file(REMOVE "${OUT_PREFIX}.${_kind}.jsonl")
  execute_process(
    COMMAND "${NODE}" "${SCRIPT}" --dir "${TOKENIZER_DIR}" ${_args}
      --out "${OUT_PREFIX}.${_kind}.jsonl" --npm-dir "${NPM_DIR}"
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "tokenizer_oracle.mjs failed (${_rc}) on ${TOKENIZER_DIR} (${_kind})")
  endif()
endforeach()
