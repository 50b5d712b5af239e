# Man pages: one per binary, written by help2man from the binary's own --help and --version
# output after it is built, so the pages and the help text never disagree. Installed to
# share/man/man1. Without help2man (Debian package help2man) the pages are skipped.
#
# Included from the top-level CMakeLists.txt after tools/, which sets PGSTATE_TOOL_TARGETS. The
# same file is also the script that renders one page at build time:
#   cmake -DHELP2MAN=... -DBINARY=... -DOUTPUT=... -DSEE_ALSO=a,b -P cmake/man.cmake

if(CMAKE_SCRIPT_MODE_FILE)
  # The NAME line: the first line of --help that is neither a usage line nor indented, e.g.
  # "Set up pgstate in a git repository: ..." (CLI11 prints the app description first).
  execute_process(COMMAND "${BINARY}" --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "'${BINARY} --help' exited with ${rc}")
  endif()
  get_filename_component(program "${BINARY}" NAME)
  set(name "")
  string(REPLACE "\n" ";" lines "${help}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[A-Za-z]" AND NOT line MATCHES "^[Uu]sage:")
      string(REGEX REPLACE "[.: \t]+$" "" name "${line}")
      break()
    endif()
  endforeach()
  if(name STREQUAL "")
    set(name "part of pgstate, PostgreSQL schema as desired state in git")
  endif()

  # SEE ALSO: the other pgstate binaries.
  set(see_also "")
  string(REPLACE "," ";" others "${SEE_ALSO}")
  foreach(other IN LISTS others)
    if(NOT other STREQUAL program)
      string(APPEND see_also ".BR ${other} (1)\n")
    endif()
  endforeach()
  set(include_file "${OUTPUT}.h2m")
  file(WRITE "${include_file}" "[SEE ALSO]\n${see_also}")

  execute_process(
    COMMAND "${HELP2MAN}" --no-info --section=1 "--name=${name}"
            "--include=${include_file}" "--output=${OUTPUT}" "${BINARY}"
    RESULT_VARIABLE rc)
  file(REMOVE "${include_file}")
  if(NOT rc EQUAL 0)
    file(REMOVE "${OUTPUT}")
    message(FATAL_ERROR "help2man failed for '${BINARY}' (exit ${rc})")
  endif()
  return()
endif()

find_program(HELP2MAN_EXECUTABLE help2man)
if(NOT HELP2MAN_EXECUTABLE)
  message(STATUS "help2man not found: man pages will not be generated (Debian package help2man)")
  return()
endif()
if(NOT PGSTATE_TOOL_TARGETS)
  message(STATUS "no binaries in PGSTATE_TOOL_TARGETS: no man pages")
  return()
endif()

set(PGSTATE_MAN_DIR "${PROJECT_BINARY_DIR}/man/man1")
file(MAKE_DIRECTORY "${PGSTATE_MAN_DIR}")
string(REPLACE ";" "," pgstate_man_see_also "${PGSTATE_TOOL_TARGETS}")
set(pgstate_man_pages)
foreach(target IN LISTS PGSTATE_TOOL_TARGETS)
  set(page "${PGSTATE_MAN_DIR}/${target}.1")
  add_custom_command(
    OUTPUT "${page}"
    # Sanitizer builds: a leak report at exit must not fail the page.
    COMMAND "${CMAKE_COMMAND}" -E env ASAN_OPTIONS=detect_leaks=0
            "${CMAKE_COMMAND}" "-DHELP2MAN=${HELP2MAN_EXECUTABLE}"
            "-DBINARY=$<TARGET_FILE:${target}>" "-DOUTPUT=${page}"
            "-DSEE_ALSO=${pgstate_man_see_also}" -P "${CMAKE_CURRENT_LIST_FILE}"
    DEPENDS ${target} "${CMAKE_CURRENT_LIST_FILE}"
    COMMENT "Generating man page ${target}.1"
    VERBATIM)
  list(APPEND pgstate_man_pages "${page}")
endforeach()
add_custom_target(man ALL DEPENDS ${pgstate_man_pages})
install(FILES ${pgstate_man_pages} DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
message(STATUS "man pages: ${PGSTATE_TOOL_TARGETS}")
