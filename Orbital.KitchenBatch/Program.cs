using Orbital.KitchenBatch.Apis;
using Orbital.KitchenBatch.Extensions;
using Orbital.KitchenBatch.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPingApi();
app.MapGrpcService<OrderIntakeService>();

app.Run();
