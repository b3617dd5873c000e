/*
 * DynamoDB Local, bound to one address (SPEC §6: loopback only).
 *
 * DynamoDB Local's own entry point (ServerRunner) has no host option: its Jetty server listens on every
 * interface. This entry point builds the server from the same command-line arguments through DynamoDB
 * Local's own ServerRunner, sets the host of its Jetty connector before it starts, and starts it.
 * It runs with the JDK's source launcher (`java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java ...`,
 * JEP 330): nothing to build, no root, no container. The host is the system property
 * `dynamodb.local.host` (default 127.0.0.1).
 */
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("dynamodb.local.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is private to DynamoDBProxyServer (DynamoDB Local 1.x and 2.x alike).
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("cannot bind " + connector.getClass().getName() + " to " + host);
      }
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
    for (Connector connector : connectors) {
      System.out.println("DynamoDB Local listening on " + ((NetworkConnector) connector).getHost() + ":"
          + ((NetworkConnector) connector).getLocalPort());
    }
  }
}
