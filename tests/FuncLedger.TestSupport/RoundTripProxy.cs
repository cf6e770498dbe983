using System.Net;
using System.Net.Sockets;

namespace FuncLedger.TestSupport;

/// <summary>
/// A TCP proxy in front of a database server that counts round trips: each time a client sends after the server last
/// spoke on that connection (or first) is one round trip, however the bytes are split into packets. Driver-independent,
/// so it counts what the wire carries: statements, batches, BEGIN and COMMIT sent on their own, prepares.
/// </summary>
public sealed class RoundTripProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private long _roundTrips;

    public RoundTripProxy(string host, int port)
    {
        (_host, _port) = (host, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public void Reset() => Interlocked.Exchange(ref _roundTrips, 0);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var server = new TcpClient();
            await server.ConnectAsync(_host, _port);
            client.NoDelay = server.NoDelay = true;
            lock (_connections)
            {
                _connections.AddRange([client, server]);
            }

            var link = new Link();
            _ = PumpAsync(client.GetStream(), server.GetStream(), link, fromClient: true);
            _ = PumpAsync(server.GetStream(), client.GetStream(), link, fromClient: false);
        }
    }

    /// <summary>Who spoke last on one proxied connection.</summary>
    private sealed class Link
    {
        public bool ClientSpokeLast { get; set; }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Link link, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                lock (link)
                {
                    if (fromClient && !link.ClientSpokeLast)
                    {
                        Interlocked.Increment(ref _roundTrips);
                    }

                    link.ClientSpokeLast = fromClient;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The connection closed; the other pump ends with it.
        }
        finally
        {
            to.Socket.Shutdown(SocketShutdown.Send);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        await _accepting;
        _stop.Dispose();
    }
}
