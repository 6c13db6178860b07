"""What the psycopg2 clients share: a connection to PostgreSQL itself (the
direct port, for setup) or through pgsleuth, and their tables' setup."""
import psycopg2


def connect(port, application_name, dbname="postgres", autocommit=True):
    conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname,
                            application_name=application_name)
    conn.autocommit = autocommit
    return conn


def set_up(direct_port, application_name, statements):
    """Runs `statements` on PostgreSQL itself, so that pgsleuth sees only the
    workload under test; the connection is APPLICATION_NAME_setup."""
    with connect(direct_port, application_name + "_setup") as direct, direct.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
    # Leaving `with` ends the transaction, not the connection.
    direct.close()
