# cmake --install: headers, the library, the programs, the default model and
# ltpConfig.cmake (+ version file) so that consumers can find_package(ltp).
include(CMakePackageConfigHelpers)

set(LTP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ltp)
string(REGEX MATCH "^[0-9]+" LTP_DNNL_MAJOR "${dnnl_VERSION}")

install(TARGETS ltp EXPORT ltpTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/ltp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/ltp/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ltp)
install(TARGETS ltp-run ltp-eval ltp-bench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY models/default/ DESTINATION ${CMAKE_INSTALL_DATADIR}/ltp/models/default)
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ltp)

install(EXPORT ltpTargets NAMESPACE ltp:: DESTINATION ${LTP_CMAKE_DIR})
configure_package_config_file(cmake/ltpConfig.cmake.in ${PROJECT_BINARY_DIR}/ltpConfig.cmake
                              INSTALL_DESTINATION ${LTP_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ltpConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ltpConfig.cmake ${PROJECT_BINARY_DIR}/ltpConfigVersion.cmake
        DESTINATION ${LTP_CMAKE_DIR})
