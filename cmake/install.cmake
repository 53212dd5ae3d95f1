# cmake --install: headers, the library, the programs, the default model and
# ltpConfig.cmake (+ version file) so that consumers can find_package(ltp).
include(CMakePackageConfigHelpers)

set(LTP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ltp)
string(REGEX MATCH "^[0-9]+" LTP_DNNL_MAJOR "${dnnl_VERSION}")

install(TARGETS ltp EXPORT ltpTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/ltp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/ltp/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ltp)
# Installed programs keep finding shared libraries from outside the system
# paths (a oneDNN 3 prefix, the CUDA toolkit), as the build tree's do.
get_target_property(LTP_DNNL_LIBRARY DNNL::dnnl LOCATION)
cmake_path(GET LTP_DNNL_LIBRARY PARENT_PATH LTP_DNNL_LIBRARY_DIR)
set(LTP_RUNTIME_DIRS ${LTP_DNNL_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_DIR})
list(REMOVE_ITEM LTP_RUNTIME_DIRS ${CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES})
set_target_properties(ltp-run ltp-eval ltp-bench PROPERTIES INSTALL_RPATH "${LTP_RUNTIME_DIRS}")
install(TARGETS ltp-run ltp-eval ltp-bench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY models/default/ DESTINATION ${CMAKE_INSTALL_DATADIR}/ltp/models/default)
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ltp)

install(EXPORT ltpTargets NAMESPACE ltp:: DESTINATION ${LTP_CMAKE_DIR})
configure_package_config_file(cmake/ltpConfig.cmake.in ${PROJECT_BINARY_DIR}/ltpConfig.cmake
                              INSTALL_DESTINATION ${LTP_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ltpConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ltpConfig.cmake ${PROJECT_BINARY_DIR}/ltpConfigVersion.cmake
        DESTINATION ${LTP_CMAKE_DIR})
