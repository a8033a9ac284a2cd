"""The self-service office portal (门户): service components (服务组件), resource integration
(资源接入), on-demand services (按需申请), themes and layouts, and the guided setup (流程引导)."""
