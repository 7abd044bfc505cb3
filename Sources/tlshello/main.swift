print("tlshello")
