# Fetch the page from the db service by its service name, then serve it.
mkdir -p /www
until wget -q -O /tmp/db.html http://db:8080/; do sleep 0.2; done
echo "web says: $(cat /tmp/db.html)" > /www/index.html
echo "web is up"
exec httpd -f -p 8080 -h /www
