# The relaysim gateway as a container image, from the standalone jar:
#   mvn -B -DskipTests package && docker build -t relaysim .
#   docker run --rm -p 9080:9080 -p 9390:9390 -p 9400-9599:9400-9599 relaysim
# (9443, the TLS front end, is inside 9400-9599.) docs/testing-and-pipelines.md has the details.
# BASE_IMAGE is any image with a Java 17+ runtime on the PATH, java, bash and useradd; CI builds one from Debian
# packages since it cannot pull (.ci/run).
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

ARG JAR=relaysim-standalone/target/relaysim-*-standalone.jar
COPY ${JAR} /opt/relaysim/relaysim.jar

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/relaysim --no-create-home relaysim \
    && mkdir -p /var/lib/relaysim \
    && chown relaysim:relaysim /var/lib/relaysim

# Bound inside on every interface; clients outside use localhost and the published ports (the same numbers), which
# accept addresses, the banner, DNS answers and the dev certificate advertise. Override RELAYSIM_ADVERTISED_* when
# clients use another host name or other published ports.
ENV RELAYSIM_BIND_ADDRESS=0.0.0.0 \
    RELAYSIM_DNS_BIND_ADDRESS=0.0.0.0 \
    RELAYSIM_ADVERTISED_HOST=localhost \
    RELAYSIM_DATA_DIR=/var/lib/relaysim \
    HOME=/var/lib/relaysim

# The dev CA (also served at http://<host>:9390/relaysim/ca.pem) and management API changes survive restarts here.
VOLUME ["/var/lib/relaysim"]
EXPOSE 9080 9390 9400-9599 1053/tcp 1053/udp
USER relaysim
WORKDIR /var/lib/relaysim

# bash's /dev/tcp instead of curl, which JRE base images need not have.
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${RELAYSIM_MANAGEMENT_PORT:-9390} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["java", "-jar", "/opt/relaysim/relaysim.jar"]
CMD ["gateway"]
