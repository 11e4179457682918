namespace Orbital.OrderManagement.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMongoDBClient("orders");
        return builder;
    }
}
