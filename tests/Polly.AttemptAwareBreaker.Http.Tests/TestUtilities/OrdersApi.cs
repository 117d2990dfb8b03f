namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>A typed client (its HttpClient is named "OrdersApi").</summary>
internal sealed class OrdersApi(HttpClient http)
{
    public Task<HttpResponseMessage> GetAsync(CancellationToken cancellationToken) => http.GetAsync("/", cancellationToken);
}
